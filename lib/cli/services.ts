/**
 * `deno task services up|down|status`: the local stack of the `local` profile — a real
 * Kafka broker (KRaft), MariaDB, kinesis-mock and s3rver — every server on 127.0.0.1, its
 * state and PID file under `.cache/services/{name}/`.
 *
 * ```sh
 * deno task services up                 # start all, wait until each answers, print endpoints
 * deno task services up --only kafka,s3 # a subset
 * deno task services status
 * deno task services down               # stop only what `up` started (PID files)
 * ```
 *
 * @module
 */
import { consoleLogger, type Logger, silentLogger } from "../logger.ts";
import { type CliProgram, formatUsage, runCli } from "./program.ts";
import {
  KAFKA_DEFAULT_PORT,
  KINESIS_DEFAULT_PORT,
  MARIADB_DEFAULT_PORT,
  S3_DEFAULT_PORT,
  type Service,
} from "../services/mod.ts";
import {
  ALL_SERVICES,
  parseServicesArgs,
  type ServicesCliOptions,
} from "./services_args.ts";

export { ALL_SERVICES, parseServicesArgs, type ServicesCliOptions };

/** Variables a pipeline sets for a service that does not name them itself. */
const FALLBACK_ENV: Record<
  string,
  (endpoint: string) => Record<string, string>
> = {
  kafka: (e) => ({ KAFKA_BROKERS: e }),
  kinesis: (e) => ({ KINESIS_ENDPOINT: e }),
  s3: (e) => ({ S3_ENDPOINT: e }),
  mariadb: (e) => ({ SOURCE_URL: e }),
};

/**
 * One line of the report: a service and where it runs, or why not.
 *
 * @example
 * ```ts
 * import { formatReports, type ServiceReport } from "./services.ts";
 * const report: ServiceReport = { name: "s3", running: false, error: "port 4569 is taken" };
 * console.log(formatReports([report]));
 * // s3       stopped  -
 * //          error: port 4569 is taken
 * ```
 */
export interface ServiceReport {
  name: string;
  running: boolean;
  endpoint?: string;
  pid?: number;
  error?: string;
}

/**
 * Runs one command over the selected services; `up` starts them one after the other (the
 * machine may have 2 cores) and keeps going past a failure so every problem is reported.
 *
 * @example
 * ```ts
 * import { parseServicesArgs, runServices } from "./services.ts";
 * const reports = await runServices(parseServicesArgs(["status"]));
 * for (const r of reports) console.log(r.name, r.running);
 * ```
 */
export async function runServices(
  options: ServicesCliOptions,
  logger: Logger = silentLogger,
): Promise<ServiceReport[]> {
  const { stateDir } = options;
  const reports: ServiceReport[] = [];
  for (const service of options.services) {
    try {
      if (options.command === "up") {
        const began = Date.now();
        const { endpoint, pid } = await service.start({
          stateDir,
          logger,
          port: options.ports[service.name],
        });
        logger.info(`${service.name} up`, {
          endpoint,
          seconds: (Date.now() - began) / 1000,
        });
        reports.push({ name: service.name, running: true, endpoint, pid });
      } else {
        if (options.command === "down") await service.stop({ stateDir });
        reports.push({
          name: service.name,
          ...(await service.status({ stateDir })),
        });
      }
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      // A start can fail while the service runs (say, on another port than asked for):
      // the report says where it is rather than "stopped".
      const status = await Promise.resolve(service.status({ stateDir })).catch(
        () => ({ running: false }),
      );
      reports.push({ name: service.name, ...status, error });
    }
  }
  return reports;
}

/**
 * The report as text: a table of services, then the `export` lines to use them.
 *
 * @example
 * ```ts
 * import { formatReports } from "./services.ts";
 * console.log(formatReports([{ name: "kafka", running: true, endpoint: "127.0.0.1:9092", pid: 7 }]));
 * ```
 */
export function formatReports(
  reports: ServiceReport[],
  services: readonly Service[] = ALL_SERVICES,
): string {
  const lines = reports.map((r) =>
    `${r.name.padEnd(8)} ${r.running ? "running" : "stopped"}  ${
      r.endpoint ?? "-"
    }${r.pid ? `  (pid ${r.pid})` : ""}${
      r.error ? `\n         error: ${r.error}` : ""
    }`
  );
  const env: Record<string, string> = {};
  for (const r of reports.filter((r) => r.running && r.endpoint)) {
    const service = services.find((s) => s.name === r.name);
    const vars = service?.env?.(r.endpoint!) ??
      FALLBACK_ENV[r.name]?.(r.endpoint!) ?? {};
    Object.assign(env, vars);
  }
  if (Object.keys(env).length > 0) {
    lines.push(
      "",
      "Use them with the local profile:",
      "  export PIPELINE_PROFILE=local",
    );
    for (const [k, v] of Object.entries(env)) lines.push(`  export ${k}=${v}`);
  }
  return lines.join("\n");
}

/** The usage text `deno task services --help` prints. */
const SERVICES_USAGE = formatUsage(
  "services up|down|status [options]",
  {
    summary:
      "The local stack of the `local` profile: a Kafka broker (KRaft), kinesis-mock, s3rver and\nMariaDB, each on 127.0.0.1. `up` starts them and waits until each answers, `down` stops\nonly what `up` started (by PID file), `status` shows what runs.",
    flags: [
      ["--only a,b", "a subset of kafka, kinesis, s3, mariadb (default all)"],
      [
        "--port name=N",
        `with up: start a service on another port (defaults kafka=${KAFKA_DEFAULT_PORT}, kinesis=${KINESIS_DEFAULT_PORT}, s3=${S3_DEFAULT_PORT}, mariadb=${MARIADB_DEFAULT_PORT}; kafka's KRaft controller takes the next port too); repeatable`,
      ],
      ["--state-dir D", "data and PID files (default .cache/services)"],
      ["--quiet", "no progress lines"],
    ],
  },
);

/**
 * `deno task services` as a program: `--help`, error messages and exit codes as every task
 * has them (see `program.ts`); exit code 1 when a service did not come up (or failed to stop).
 *
 * @example
 * ```ts
 * import { servicesProgram } from "./services.ts";
 * console.log(servicesProgram.usage.split("\n")[0]);
 * // Usage: deno task services up|down|status [options]
 * ```
 */
export const servicesProgram: CliProgram = {
  name: "services",
  usage: SERVICES_USAGE,
  run: async (args) => {
    const options = parseServicesArgs(args);
    const reports = await runServices(
      options,
      options.quiet ? silentLogger : consoleLogger,
    );
    console.log(formatReports(reports, options.services));
    const failed = options.command === "up"
      ? reports.some((r) => !r.running || r.error)
      : reports.some((r) => r.error);
    return failed ? 1 : 0;
  },
};

if (import.meta.main) Deno.exit(await runCli(servicesProgram, Deno.args));
