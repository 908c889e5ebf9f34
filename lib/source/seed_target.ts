/**
 * What a seed may replace. `seedSqlite` renames its new file over `--source`, so a mistyped
 * path (`--source .data/log.db`, `--source README.md`) would destroy a file it never wrote.
 * It replaces only what is plainly a source file: nothing, an empty file, a SQLite
 * database holding no tables but the source's three, or a SQLite file too damaged to open.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { SeedTargetError } from "./errors.ts";
import { TABLES } from "./schema.ts";

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = "SQLite format 3\u0000";

/**
 * Resolves when a seed may replace `path`; throws {@linkcode SeedTargetError} (naming the
 * reason) when the file there is not a source file.
 *
 * @example
 * ```ts
 * import { checkSeedTarget } from "./seed_target.ts";
 * const dir = await Deno.makeTempDir();
 * await checkSeedTarget(`${dir}/source.db`); // nothing there: fine
 * await Deno.writeTextFile(`${dir}/notes.md`, "# notes\n");
 * console.log(await checkSeedTarget(`${dir}/notes.md`).catch((e) => e.code)); // SEED_TARGET_REFUSED
 * ```
 */
export async function checkSeedTarget(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  // A folder cannot be renamed over: the seed fails at its end, naming the path.
  if (!info.isFile || info.size === 0) return;
  if (!hasSqliteHeader(path)) {
    throw new SeedTargetError(
      path,
      "it is not a SQLite database, so not a source file a seed wrote",
    );
  }
  const others = otherTables(path);
  if (others.length > 0) {
    throw new SeedTargetError(
      path,
      `it holds tables a source does not (${others.join(", ")})`,
    );
  }
}

/**
 * Whether the file at `path` begins as every SQLite database does (false when it cannot be
 * read).
 *
 * @example
 * ```ts
 * import { hasSqliteHeader } from "./seed_target.ts";
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "plain text");
 * console.log(hasSqliteHeader(path)); // false
 * ```
 */
export function hasSqliteHeader(path: string): boolean {
  const head = new Uint8Array(SQLITE_HEADER.length);
  let read: number | null = null;
  try {
    using file = Deno.openSync(path, { read: true });
    read = file.readSync(head);
  } catch {
    return false;
  }
  return new TextDecoder().decode(head.subarray(0, read ?? 0)) ===
    SQLITE_HEADER;
}

/** Tables and views of the database besides the source's, sorted; none when it cannot be read. */
function otherTables(path: string): string[] {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    const names = db.prepare(
      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    ).all().map((r) => String(r.name));
    const source = new Set<string>(TABLES);
    return names.filter((n) => !source.has(n)).sort();
  } catch {
    return []; // damaged: the source file it was, most likely
  } finally {
    if (db?.isOpen) db.close();
  }
}
