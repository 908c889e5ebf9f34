/**
 * The command line of `deno task services`: `up|down|status`, `--only`, `--port name=N`
 * (checked for ports two servers would share, defaults included), `--state-dir`, `--quiet`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../errors.ts";
import {
  KAFKA_DEFAULT_PORT,
  kafkaService,
  KINESIS_DEFAULT_PORT,
  kinesisService,
  MARIADB_DEFAULT_PORT,
  mariadbService,
  S3_DEFAULT_PORT,
  s3Service,
  type Service,
} from "../services/mod.ts";

/**
 * Every service `deno task services` manages, in start order.
 *
 * @example
 * ```ts
 * import { ALL_SERVICES } from "./services_args.ts";
 * console.log(ALL_SERVICES.map((s) => s.name)); // ["kafka", "kinesis", "s3", "mariadb"]
 * ```
 */
export const ALL_SERVICES: readonly Service[] = [
  kafkaService,
  kinesisService,
  s3Service,
  mariadbService,
];

/**
 * Parsed command line of `deno task services`.
 *
 * @example
 * ```ts
 * import { parseServicesArgs, type ServicesCliOptions } from "./services_args.ts";
 * const options: ServicesCliOptions = parseServicesArgs(["down", "--state-dir", "/tmp/svc", "--quiet"]);
 * console.log(options.command, options.services.length, options.stateDir, options.quiet); // down 4 /tmp/svc true
 * ```
 */
export interface ServicesCliOptions {
  command: "up" | "down" | "status";
  /** Selected services, in start order. */
  services: Service[];
  stateDir: string;
  quiet: boolean;
  /** Ports given with `--port name=N`, by service name; the others use their defaults. */
  ports: Record<string, number>;
}

/**
 * Parses `up|down|status [--only a,b] [--port name=N]... [--state-dir DIR] [--quiet]`.
 *
 * @example
 * ```ts
 * import { parseServicesArgs } from "./services_args.ts";
 * const o = parseServicesArgs(["up", "--only", "kafka", "--port", "kafka=19092"]);
 * console.log(o.command, o.services.map((s) => s.name), o.ports); // up ["kafka"] { kafka: 19092 }
 * ```
 */
export function parseServicesArgs(
  args: string[],
  available: readonly Service[] = ALL_SERVICES,
): ServicesCliOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      only: { type: "string" },
      port: { type: "string", multiple: true },
      "state-dir": { type: "string", default: ".cache/services" },
      quiet: { type: "boolean", default: false },
    },
  });
  const command = positionals[0];
  if (command !== "up" && command !== "down" && command !== "status") {
    throw new ConfigError(
      "command",
      "use `deno task services up|down|status`",
      { value: command },
    );
  }
  const names = available.map((s) => s.name);
  const extra = positionals.slice(1);
  if (extra.length > 0) {
    // `up s3` would otherwise start every service.
    throw new ConfigError(
      "arguments",
      `only one command is taken; pick services with --only ${extra.join(",")}`,
      { value: extra.join(" ") },
    );
  }
  const wanted = values.only?.split(",").map((s) => s.trim()).filter(Boolean) ??
    names;
  if (wanted.length === 0) {
    throw new ConfigError(
      "--only",
      `name at least one service among ${
        names.join(", ")
      } (or leave --only out for all)`,
      { value: values.only },
    );
  }
  if (values["state-dir"]!.trim() === "") {
    throw new ConfigError(
      "--state-dir",
      "must not be empty (the default is .cache/services)",
      { value: values["state-dir"] },
    );
  }
  for (const name of wanted) {
    if (!names.includes(name)) {
      throw new ConfigError(
        "--only",
        `unknown service; choose among ${names.join(", ")}`,
        { value: name },
      );
    }
  }
  const services = available.filter((s) => wanted.includes(s.name));
  if (command !== "up" && values.port !== undefined) {
    throw new ConfigError(
      "--port",
      `is for \`up\` only: ${command} finds the servers by their PID files`,
      { value: values.port.join(",") },
    );
  }
  const ports = parsePorts(values.port ?? [], names);
  checkPortClashes(ports, services.map((s) => s.name));
  return {
    command,
    services,
    stateDir: values["state-dir"]!,
    quiet: values.quiet!,
    ports,
  };
}

/** `--port name=N` values (each may list several, comma-separated) by service name. */
function parsePorts(
  values: readonly string[],
  names: readonly string[],
): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const item of values.flatMap((v) => v.split(","))) {
    const [name, text, ...rest] = item.split("=").map((p) => p.trim());
    // Digits only: Number() would take 0x4c04 or 1e4 as ports.
    const port = /^\d{1,5}$/.test(text ?? "") ? Number(text) : NaN;
    if (
      rest.length > 0 || !names.includes(name) || !Number.isInteger(port) ||
      port < 1 || port > 65_535
    ) {
      throw new ConfigError(
        "--port",
        `give service=port, the service among ${
          names.join(", ")
        } and the port 1-65535 (e.g. --port kafka=19092)`,
        { value: item },
      );
    }
    if (name === "kafka" && port === 65_535) {
      // The broker's KRaft controller listens on the next port.
      throw new ConfigError(
        "--port",
        "kafka also listens on the next port (its KRaft controller): give at most 65534",
        { value: item },
      );
    }
    ports[name] = port;
  }
  return ports;
}

/** The port each service listens on without `--port`. */
const DEFAULT_PORTS: Record<string, number> = {
  kafka: KAFKA_DEFAULT_PORT,
  kinesis: KINESIS_DEFAULT_PORT,
  s3: S3_DEFAULT_PORT,
  mariadb: MARIADB_DEFAULT_PORT,
};

/**
 * Refuses ports two servers would share (kafka's controller takes the next one too): those
 * given with `--port`, and the default ports of the selected services given none.
 */
function checkPortClashes(
  ports: Record<string, number>,
  selected: readonly string[],
): void {
  const defaults = selected.filter((n) =>
    ports[n] === undefined && DEFAULT_PORTS[n] !== undefined
  ).map((n) => [n, DEFAULT_PORTS[n]] as const);
  const taken = new Map<number, string>();
  for (const [name, port] of [...Object.entries(ports), ...defaults]) {
    const own = name === "kafka" ? [port, port + 1] : [port];
    for (const p of own) {
      const other = taken.get(p);
      if (other !== undefined) {
        const notes = [
          ...(name === "kafka" || other === "kafka"
            ? [
              "kafka also takes the port after its own, for its KRaft controller",
            ]
            : []),
          ...(ports[name] === undefined
            ? [
              `${port} is ${name}'s default port: give ${name} another with --port ${name}=N`,
            ]
            : []),
        ];
        throw new ConfigError(
          "--port",
          `${other} and ${name} would both listen on ${p}${
            notes.length > 0 ? ` (${notes.join("; ")})` : ""
          }`,
          {
            value: ports[name] === undefined
              ? `${other}=${ports[other]}`
              : `${other},${name}`,
          },
        );
      }
      taken.set(p, name);
    }
  }
}
