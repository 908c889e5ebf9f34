/**
 * Process helpers shared by the local services: detached start with a log file, a liveness
 * check guarded by a command-line marker, a bounded SIGTERM-then-SIGKILL stop of one PID,
 * TCP readiness waits and free-port picking. Everything stays on 127.0.0.1.
 *
 * @module
 */
import { sleep } from "../sleep.ts";

/**
 * Options of {@linkcode spawnDetached}.
 *
 * @example
 * ```ts
 * import { isAlive, spawnDetached, type SpawnDetachedOptions } from "./process.ts";
 * const options: SpawnDetachedOptions = { logFile: await Deno.makeTempFile(), cwd: "/tmp", env: { GREETING: "hi" } };
 * const pid = spawnDetached("sh", ["-c", "echo $GREETING from $PWD"], options);
 * for (let i = 0; i < 100 && await isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
 * console.log(await Deno.readTextFile(options.logFile)); // hi from /tmp
 * ```
 */
export interface SpawnDetachedOptions {
  /** Where stdout and stderr go (appended). */
  logFile: string;
  /** Working directory. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/**
 * Starts `cmd args...` in its own session, detached from this process, with stdout and
 * stderr appended to `logFile`; returns its PID (the shell `exec`s, so the PID is the server's).
 *
 * @example
 * ```ts
 * import { spawnDetached, stopPid } from "./process.ts";
 * const pid = spawnDetached("sleep", ["30"], { logFile: await Deno.makeTempFile() });
 * await stopPid(pid, { timeoutMs: 2000 });
 * ```
 */
export function spawnDetached(
  cmd: string,
  args: string[],
  options: SpawnDetachedOptions,
): number {
  const child = new Deno.Command("sh", {
    args: ["-c", 'exec "$0" "$@" >>"$SERVICE_LOG_FILE" 2>&1', cmd, ...args],
    cwd: options.cwd,
    env: { ...options.env, SERVICE_LOG_FILE: options.logFile },
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  // Reap the child if it exits while we still run, so it never lingers as a zombie.
  child.status.catch(() => {});
  return child.pid;
}

/**
 * True when `pid` is a live process (not a zombie) whose command line contains `marker`
 * (when given) — the guard against signalling a PID that was reused by someone else.
 *
 * @example
 * ```ts
 * import { isAlive } from "./process.ts";
 * console.log(await isAlive(Deno.pid)); // true
 * ```
 */
export async function isAlive(pid: number, marker?: string): Promise<boolean> {
  try {
    const stat = await readProc(pid, "stat");
    const state = stat.slice(
      stat.lastIndexOf(")") + 2,
      stat.lastIndexOf(")") + 3,
    );
    if (state === "Z" || state === "X") return false;
    if (marker === undefined) return true;
    const cmdline = await readProc(pid, "cmdline");
    return cmdline.replaceAll("\0", " ").includes(marker);
  } catch {
    return false;
  }
}

/**
 * When process `pid` started (clock ticks after boot, field 22 of `/proc/{pid}/stat`), or
 * `undefined` when it does not run. A PID that another process reuses comes with another
 * start time; an `exec` keeps it.
 *
 * @example
 * ```ts
 * import { processStartTime } from "./process.ts";
 * console.log((await processStartTime(Deno.pid))! > 0); // true
 * ```
 */
export async function processStartTime(
  pid: number,
): Promise<number | undefined> {
  try {
    const stat = await readProc(pid, "stat");
    // Fields after the command name, which may hold spaces: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const started = Number(fields[22 - 3]);
    return Number.isFinite(started) ? started : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads `/proc/{pid}/{file}`. Deno grants `/proc` reads only with `--allow-all`, so without
 * it this asks `cat` (the tasks allow running programs).
 */
async function readProc(pid: number, file: string): Promise<string> {
  const path = `/proc/${pid}/${file}`;
  try {
    return await Deno.readTextFile(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotCapable)) throw e;
  }
  const out = await new Deno.Command("cat", {
    args: [path],
    stdout: "piped",
    stderr: "null",
  })
    .output();
  if (!out.success) throw new Deno.errors.NotFound(path);
  return new TextDecoder().decode(out.stdout);
}

/**
 * Options of {@linkcode stopPid}.
 *
 * @example
 * ```ts
 * import { spawnDetached, stopPid, type StopPidOptions } from "./process.ts";
 * const pid = spawnDetached("sleep", ["30"], { logFile: await Deno.makeTempFile() });
 * const options: StopPidOptions = { timeoutMs: 2_000, marker: "sleep 30" };
 * console.log(await stopPid(pid, options)); // true
 * ```
 */
export interface StopPidOptions {
  /** How long to wait after SIGTERM before SIGKILL (default 15000 ms). */
  timeoutMs?: number;
  /** Only signal when the command line contains this (see {@linkcode isAlive}). */
  marker?: string;
}

/**
 * Sends SIGTERM to `pid`, waits up to `timeoutMs` for it to exit, then SIGKILLs it.
 * Returns false when the process was not running (or was not ours per `marker`).
 *
 * @example
 * ```ts
 * import { spawnDetached, stopPid } from "./process.ts";
 * const pid = spawnDetached("sleep", ["30"], { logFile: await Deno.makeTempFile() });
 * console.log(await stopPid(pid)); // true
 * ```
 */
export async function stopPid(
  pid: number,
  options: StopPidOptions = {},
): Promise<boolean> {
  if (!(await isAlive(pid, options.marker))) return false;
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  signal(pid, "SIGTERM");
  while (Date.now() < deadline) {
    if (!(await isAlive(pid))) return true;
    await sleep(100);
  }
  signal(pid, "SIGKILL");
  for (let i = 0; i < 50 && (await isAlive(pid)); i++) await sleep(100);
  return true;
}

function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * The full path of program `name` in a folder of PATH, or `undefined` when there is none.
 * Deno itself never counts: when node is missing, `deno run` puts its own stand-in first on
 * PATH (`~/.cache/deno/node_compat_bin/node`, a link to Deno); spawning the path found here,
 * not the bare name, keeps that stand-in out too.
 *
 * @example
 * ```ts
 * import { findOnPath } from "./process.ts";
 * console.log(await findOnPath("sh")); // /usr/bin/sh, or /bin/sh
 * ```
 */
export async function findOnPath(name: string): Promise<string | undefined> {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "");
  const deno = await Deno.realPath(Deno.execPath());
  for (const dir of dirs) {
    const real = await Deno.realPath(`${dir}/${name}`).catch(() => undefined);
    if (real === undefined || real === deno) continue;
    if ((await Deno.stat(real)).isFile) return `${dir}/${name}`;
  }
  return undefined;
}

/**
 * True when something accepts TCP connections on `host:port`.
 *
 * @example
 * ```ts
 * import { canConnect } from "./process.ts";
 * console.log(await canConnect("127.0.0.1", 9)); // false, usually
 * ```
 */
export async function canConnect(host: string, port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: host, port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * A port on 127.0.0.1 that was free a moment ago (the OS picks it; the listener is closed).
 *
 * @example
 * ```ts
 * import { freePort } from "./process.ts";
 * console.log(freePort() > 1024); // true
 * ```
 */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
