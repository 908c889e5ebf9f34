/**
 * The local stack's S3-compatible server as a {@linkcode Service}: s3rver (the pinned npm
 * package, installed by `deno install`) run by Node.js, objects under `{stateDir}/s3/data`,
 * the lake bucket created at start, 127.0.0.1 only.
 *
 * Why Node and not in-process Deno: s3rver encrypts ListObjectsV2 continuation tokens with the
 * legacy `des` cipher, which Deno's crypto lacks; Node runs it with `--openssl-legacy-provider`.
 * Without it, listing a prefix of more than 1,000 objects fails. s3rver runs through
 * `s3rver_atomic.cjs`, which makes object writes atomic as on real S3 (s3rver alone stores
 * the part of an upload that a killed client had sent).
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { BackendError } from "../errors.ts";
import { silentLogger } from "../logger.ts";
import { spawnDetached } from "./process.ts";
import {
  assertPortsFree,
  pidFileService,
  requireNode,
  type ServiceHandle,
  type ServiceStartOptions,
  waitUntilReady,
} from "./service.ts";
import { serviceDir, writePidFile } from "./pid_file.ts";

/**
 * Default port (`S3_ENDPOINT=http://127.0.0.1:4569`).
 *
 * @example
 * ```ts
 * import { S3_DEFAULT_PORT } from "./s3.ts";
 * console.log(`S3_ENDPOINT=http://127.0.0.1:${S3_DEFAULT_PORT}`); // S3_ENDPOINT=http://127.0.0.1:4569
 * ```
 */
export const S3_DEFAULT_PORT = 4569;
/**
 * The bucket the local profile's lake uses.
 *
 * @example
 * ```ts
 * import { S3_DEFAULT_BUCKET, s3Service } from "./s3.ts";
 * console.log(s3Service.env?.("http://127.0.0.1:4569").S3_BUCKET === S3_DEFAULT_BUCKET); // true
 * ```
 */
export const S3_DEFAULT_BUCKET = "pinterest-lake";

const NAME = "s3";
const S3RVER_CLI = fileURLToPath(
  new URL("../../node_modules/s3rver/bin/s3rver.js", import.meta.url),
);
/** s3rver's CLI with atomic object writes (see the script's header). */
const SERVER_SCRIPT = fileURLToPath(
  new URL("./s3rver_atomic.cjs", import.meta.url),
);

/**
 * Options of {@linkcode s3Service}'s `start` (`readyTimeoutMs` default: 30,000).
 *
 * @example
 * ```ts
 * import { s3Service, type S3StartOptions } from "./s3.ts";
 * const options: S3StartOptions = { stateDir: "/tmp/my-services", port: 14569, buckets: ["pinterest-lake", "scratch"] };
 * const up = () => s3Service.start(options); // resolves to { endpoint: "http://127.0.0.1:14569", pid }
 * ```
 */
export interface S3StartOptions extends ServiceStartOptions {
  /** Buckets to create (default `pinterest-lake`). */
  buckets?: string[];
}

async function start(options: S3StartOptions): Promise<ServiceHandle> {
  const logger = options.logger ?? silentLogger;
  const port = options.port ?? S3_DEFAULT_PORT;
  await assertPortsFree(NAME, [port]);

  await Deno.mkdir(`${serviceDir(options.stateDir, NAME)}/data`, {
    recursive: true,
  });
  const dir = await Deno.realPath(serviceDir(options.stateDir, NAME));
  if (!(await Deno.stat(S3RVER_CLI).then(() => true, () => false))) {
    throw new BackendError(
      "s3",
      `s3rver is not installed at ${S3RVER_CLI}; run \`deno install\``,
    );
  }
  // Not the bare name: Deno would run itself as `node`, whose crypto lacks the `des`
  // cipher s3rver's listings need (see the module header).
  const node = await requireNode(NAME, "s3rver");
  const buckets = (options.buckets ?? [S3_DEFAULT_BUCKET]).flatMap((
    b,
  ) => ["--configure-bucket", b]);
  const args = [
    "--openssl-legacy-provider",
    SERVER_SCRIPT,
    "--silent",
    "--address",
    "127.0.0.1",
    "--port",
    String(port),
    "--directory",
    `${dir}/data`,
    ...buckets,
  ];
  const pid = spawnDetached(node, args, { logFile: `${dir}/s3.out` });
  const endpoint = `http://127.0.0.1:${port}`;
  await writePidFile(options.stateDir, {
    name: NAME,
    // Its own data folder: every s3rver runs SERVER_SCRIPT, so that would match another
    // state dir's server that took over the PID of a dead one.
    record: { pid, endpoint, marker: `${dir}/data` },
  });
  await waitUntilReady({
    name: NAME,
    stateDir: options.stateDir,
    pid,
    endpoint,
    logFile: `${dir}/s3.out`,
    timeoutMs: options.readyTimeoutMs ?? 30_000,
    probe: () => answers(endpoint),
  });
  logger.info("s3 ready", { endpoint, pid });
  return { endpoint, pid };
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(endpoint, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * s3rver as a {@linkcode Service}.
 *
 * @example
 * ```ts
 * import { s3Service } from "./s3.ts";
 * const stateDir = await Deno.makeTempDir();
 * const { endpoint } = await s3Service.start({ stateDir, port: 14569 });
 * console.log(endpoint); // http://127.0.0.1:14569
 * await s3Service.stop({ stateDir });
 * ```
 */
export const s3Service = pidFileService({
  name: NAME,
  start,
  probe: answers,
  stopTimeoutMs: 10_000,
  env: (endpoint) => ({ S3_ENDPOINT: endpoint, S3_BUCKET: S3_DEFAULT_BUCKET }),
});
