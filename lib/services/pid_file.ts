/**
 * The PID file of a local service: `{stateDir}/{name}/{name}.pid` records the server's
 * process, endpoint and a marker of its command line, so that `status` and `stop` find it
 * and signal only that process.
 *
 * @module
 */
import { tryLockFile } from "../file_lock.ts";
import type { Logger } from "../logger.ts";
import { isAlive, processStartTime, stopPid } from "./process.ts";
import type { ServiceStatus } from "./service.ts";

/**
 * What a service records in its PID file.
 *
 * @example
 * ```ts
 * import { type PidRecord, readPidFile, writePidFile } from "./pid_file.ts";
 * const dir = await Deno.makeTempDir();
 * const record: PidRecord = { pid: 4242, endpoint: "http://127.0.0.1:14569", marker: "s3rver" };
 * await writePidFile(dir, { name: "s3", record });
 * console.log((await readPidFile(dir, "s3"))?.marker); // s3rver
 * ```
 */
export interface PidRecord {
  pid: number;
  endpoint: string;
  /** A string in the process's command line, checked before signalling it. */
  marker: string;
  /**
   * When the process started ({@linkcode processStartTime}), set by `writePidFile` and
   * checked with the marker: a process that reused the PID has another.
   */
  started?: number;
}

/**
 * The folder of service `name` under `stateDir`.
 *
 * @example
 * ```ts
 * import { serviceDir } from "./pid_file.ts";
 * console.log(serviceDir(".cache/services", "kafka")); // .cache/services/kafka
 * ```
 */
export function serviceDir(stateDir: string, name: string): string {
  return `${stateDir.replace(/\/+$/, "")}/${name}`;
}

/**
 * What {@linkcode writePidFile} records: the service's name and its process.
 *
 * @example
 * ```ts
 * import { type ServicePid, serviceDir, writePidFile } from "./pid_file.ts";
 * const dir = await Deno.makeTempDir();
 * const service: ServicePid = { name: "kafka", record: { pid: 4242, endpoint: "127.0.0.1:19092", marker: "kafka.Kafka" } };
 * await writePidFile(dir, service);
 * console.log(JSON.parse(await Deno.readTextFile(`${serviceDir(dir, "kafka")}/kafka.pid`)).pid); // 4242
 * ```
 */
export interface ServicePid {
  /** The service (`kafka`, `s3`, ...): its folder under the state dir. */
  name: string;
  record: PidRecord;
}

/**
 * Writes `{stateDir}/{name}/{name}.pid` (JSON: pid, endpoint, marker and, unless given, the
 * process's start time, read now).
 *
 * @example
 * ```ts
 * import { readPidFile, writePidFile } from "./pid_file.ts";
 * const dir = await Deno.makeTempDir();
 * await writePidFile(dir, { name: "demo", record: { pid: 42, endpoint: "127.0.0.1:1", marker: "demo" } });
 * console.log((await readPidFile(dir, "demo"))?.pid); // 42
 * ```
 */
export async function writePidFile(
  stateDir: string,
  service: ServicePid,
): Promise<void> {
  const { name } = service;
  const started = service.record.started ??
    (await processStartTime(service.record.pid));
  const record = { ...service.record, started };
  const dir = serviceDir(stateDir, name);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/${name}.pid`, JSON.stringify(record) + "\n");
}

/**
 * Reads the PID file of service `name`, or `null` when there is none (or it is unreadable).
 *
 * @example
 * ```ts
 * import { readPidFile } from "./pid_file.ts";
 * console.log(await readPidFile(await Deno.makeTempDir(), "kafka")); // null
 * ```
 */
export async function readPidFile(
  stateDir: string,
  name: string,
): Promise<PidRecord | null> {
  try {
    const text = await Deno.readTextFile(
      `${serviceDir(stateDir, name)}/${name}.pid`,
    );
    const record = JSON.parse(text) as PidRecord;
    return Number.isInteger(record.pid) ? record : null;
  } catch {
    return null;
  }
}

/**
 * Removes the PID file of service `name`; absent files are ignored.
 *
 * @example
 * ```ts
 * import { removePidFile } from "./pid_file.ts";
 * await removePidFile(await Deno.makeTempDir(), "kafka");
 * ```
 */
export async function removePidFile(
  stateDir: string,
  name: string,
): Promise<void> {
  await Deno.remove(`${serviceDir(stateDir, name)}/${name}.pid`).catch(
    () => {},
  );
}

/**
 * Whether the process of `name`'s PID file runs (checked with its command-line marker), and
 * where it listens.
 *
 * @example
 * ```ts
 * import { pidFileStatus } from "./pid_file.ts";
 * console.log(await pidFileStatus(await Deno.makeTempDir(), "kafka")); // { running: false }
 * ```
 */
export async function pidFileStatus(
  stateDir: string,
  name: string,
): Promise<ServiceStatus> {
  const record = await readPidFile(stateDir, name);
  if (!record || !(await isRecordAlive(record))) return { running: false };
  return { running: true, endpoint: record.endpoint, pid: record.pid };
}

/** Whether the process of `record` runs: its PID, with the marker and start time. */
async function isRecordAlive(record: PidRecord): Promise<boolean> {
  if (!(await isAlive(record.pid, record.marker))) return false;
  return record.started === undefined ||
    (await processStartTime(record.pid)) === record.started;
}

/**
 * Stops the process of `name`'s PID file — SIGTERM, then SIGKILL after `timeoutMs` — and
 * removes the file. Only that PID is signalled, and only while its command line still holds
 * the marker and its start time is the recorded one; without a PID file nothing happens.
 *
 * @example
 * ```ts
 * import { stopByPidFile } from "./pid_file.ts";
 * await stopByPidFile(await Deno.makeTempDir(), "kafka", { timeoutMs: 5000 });
 * ```
 */
export async function stopByPidFile(
  stateDir: string,
  name: string,
  options: { timeoutMs: number },
): Promise<void> {
  const record = await readPidFile(stateDir, name);
  if (!record) return;
  if (!(await isRecordAlive(record))) {
    return await removePidFile(stateDir, name);
  }
  await stopPid(record.pid, {
    marker: record.marker,
    timeoutMs: options.timeoutMs,
  });
  await removePidFile(stateDir, name);
}

/**
 * Takes the start lock of service `name` (`{stateDir}/{name}/{name}.lock`, an exclusive
 * `flock`), waiting while another start of the same state dir holds it (saying so once to
 * `logger`); close the returned file to release it. The kernel drops the lock when its holder
 * ends, so an `up` stopped by Ctrl-C never leaves it held.
 *
 * @example
 * ```ts
 * import { lockServiceStart } from "./pid_file.ts";
 * const stateDir = await Deno.makeTempDir();
 * using _lock = await lockServiceStart(stateDir, "kafka");
 * // start the server and write its PID file here
 * ```
 */
export async function lockServiceStart(
  stateDir: string,
  name: string,
  logger?: Logger,
): Promise<Deno.FsFile> {
  const dir = serviceDir(stateDir, name);
  await Deno.mkdir(dir, { recursive: true });
  const path = `${dir}/${name}.lock`;
  const lock = await tryLockFile(path);
  if (lock !== null) return lock;
  logger?.info(
    `${name}: another \`up\` of this state dir is starting it; waiting`,
    {
      lock: path,
    },
  );
  return (await tryLockFile(path, { waitMs: Infinity }))!;
}
