/**
 * A test helper: another process that holds the stream tables' lock of a folder, as a
 * `deno task stream` or the stream catch-up of a `deno task emulate` job would, until it is
 * killed.
 *
 * @module
 */

const TABLE_STORE = new URL("./table_store.ts", import.meta.url).href;

/** Opens the tables in `Deno.args[0]` as program `Deno.args[1]`, says so, then waits. */
const HOLDER_SCRIPT = `
import { openTableStore } from ${JSON.stringify(TABLE_STORE)};
const [dir, program] = Deno.args;
await openTableStore(dir, { tables: ["stream_pin"], ...(program ? { program } : {}) });
console.log("held");
setInterval(() => {}, 1 << 30);
`;

/**
 * The process {@linkcode spawnTablesHolder} started; `await using` kills it (SIGKILL) unless
 * it has ended.
 *
 * @example
 * ```ts
 * import { spawnTablesHolder, type TablesHolder } from "./lock_holder_util.ts";
 * await using holder: TablesHolder = await spawnTablesHolder(await Deno.makeTempDir());
 * console.log(holder.pid > 0); // true
 * ```
 */
export interface TablesHolder extends AsyncDisposable {
  /** Its process id. */
  readonly pid: number;
  /** What it recorded in the lock file once it held the lock (`null`: nothing). */
  readonly record: Record<string, unknown> | null;
  /** Resolves to its exit status. */
  readonly status: Promise<Deno.CommandStatus>;
  /** Sends it `signal`. */
  kill(signal?: Deno.Signal): void;
}

/**
 * Starts a process that opens the stream tables in `dir` (their lock taken, recorded as
 * `program` when given) and holds them until killed; resolves once it holds them.
 *
 * @example
 * ```ts
 * import { spawnTablesHolder } from "./lock_holder_util.ts";
 * import { tableStoreHeld } from "./table_store.ts";
 * const dir = await Deno.makeTempDir();
 * await using holder = await spawnTablesHolder(dir, { program: "deno task stream" });
 * console.log(await tableStoreHeld(dir), holder.record?.program); // true deno task stream
 * ```
 */
export async function spawnTablesHolder(
  dir: string,
  options: { program?: string } = {},
): Promise<TablesHolder> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", HOLDER_SCRIPT, dir, options.program ?? ""],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let ended = false;
  const status = child.status.finally(() => ended = true);
  const kill = (signal: Deno.Signal = "SIGKILL") => {
    if (!ended) child.kill(signal);
  };
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let out = "";
    while (!out.includes("held\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the lock holder ended first: ${out}`);
      out += value;
    }
  } catch (e) {
    kill();
    await status;
    await reader.cancel();
    throw e;
  }
  const text = await Deno.readTextFile(`${dir}/_lock`);
  return {
    pid: child.pid,
    record: text.trim() === "" ? null : JSON.parse(text),
    status,
    kill,
    async [Symbol.asyncDispose]() {
      kill();
      await status;
      await reader.cancel();
    },
  };
}
