/**
 * Where each stage keeps its files below the data root (`DATA_DIR`, `--data-dir`), and the
 * creation of that root.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../errors.ts";

/**
 * Where each stage keeps its files below `dataDir`.
 *
 * @example
 * ```ts
 * import { type DataPaths, dataPaths } from "./data_paths.ts";
 * const paths: DataPaths = dataPaths("/srv/pipeline");
 * console.log(paths.log, paths.report); // /srv/pipeline/log.db /srv/pipeline/report.html
 * ```
 */
export interface DataPaths {
  /** The embedded source tables (SQLite). */
  source: string;
  /** The embedded log (SQLite) of topics and streams. */
  log: string;
  /** The embedded lake (a directory object store). */
  lake: string;
  /** The batch tables (Parquet). */
  warehouse: string;
  /** The stream tables and their checkpoint (Parquet + JSON). */
  stream: string;
  /** The HTML report. */
  report: string;
}

/**
 * The files and folders of every stage below `dataDir`; the single place that names them.
 *
 * @example
 * ```ts
 * import { dataPaths } from "./data_paths.ts";
 * console.log(dataPaths(".data").warehouse); // .data/warehouse
 * ```
 */
export function dataPaths(dataDir: string): DataPaths {
  return {
    source: join(dataDir, "source.db"),
    log: join(dataDir, "log.db"),
    lake: join(dataDir, "lake"),
    warehouse: join(dataDir, "warehouse"),
    stream: join(dataDir, "stream"),
    report: join(dataDir, "report.html"),
  };
}

/**
 * Creates the data root when absent; a path that cannot be a folder (a file, say) is a
 * `ConfigError` naming `DATA_DIR (--data-dir)`.
 *
 * @example
 * ```ts
 * import { ensureDataDir } from "./data_paths.ts";
 * await ensureDataDir(`${await Deno.makeTempDir()}/data`);
 * ```
 */
export async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    await Deno.mkdir(dataDir, { recursive: true });
  } catch (cause) {
    throw new ConfigError(
      "DATA_DIR (--data-dir)",
      `cannot be used as a folder (${(cause as Error).message})`,
      { value: dataDir, cause },
    );
  }
}
