/**
 * The batch stage: raw topic objects in the lake → cleaned, deduplicated Parquet tables.
 *
 * For each of `pin`, `geo`, `user` it reads the sink's objects of `{prefix}.{table}` in arrival
 * order (in groups of about `chunkBytes`), parses and cleans them with `lib/clean`, keeps the
 * first arrival of each `ind`, and stages the table into the warehouse (its Parquet write runs
 * while the next table is cleaned). Once `pin`, `geo`, `user` and `quarantine` are all written,
 * each is renamed over its old file; on any failure before that, the old tables stay. The
 * result depends only on the lake's content: a rerun writes the same tables.
 *
 * @module
 */
import {
  CLEAN_TABLES,
  type CleanTable,
  type QuarantineRow,
} from "../clean/mod.ts";
import type { ObjectStore } from "../lake/types.ts";
import { type Logger, silentLogger } from "../logger.ts";
import { cleanTopic, type TableSummary } from "./topic.ts";
import { beginWarehouseWrite, quarantineFrame } from "./warehouse.ts";

/**
 * Options of {@linkcode runBatch}.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { runBatch, type RunBatchOptions } from "./run.ts";
 * const options: RunBatchOptions = {
 *   store: openDirStore(await Deno.makeTempDir()),
 *   warehouseDir: await Deno.makeTempDir(),
 *   prefix: "demo",
 *   chunkBytes: 16 << 20,
 * };
 * console.log((await runBatch(options)).tables.pin.rows); // 0: the lake is empty
 * ```
 */
export interface RunBatchOptions {
  /** The lake holding `topics/{prefix}.pin|geo|user/...` objects. */
  store: ObjectStore;
  /** Where the Parquet tables go, e.g. `.data/warehouse`. */
  warehouseDir: string;
  /** Topic prefix; default `pinterest`. */
  prefix?: string;
  /** Progress messages; default silent. */
  logger?: Logger;
  /** Raw bytes parsed per step; default 64 MiB. */
  chunkBytes?: number;
}

/**
 * The result of {@linkcode runBatch}.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { type BatchSummary, runBatch } from "./run.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * const summary: BatchSummary = await runBatch({ store, warehouseDir: await Deno.makeTempDir() });
 * console.log(summary.tables.geo, summary.quarantined);
 * // { objects: 0, records: 0, quarantined: 0, duplicates: 0, rows: 0, elapsedMs: ... } 0
 * ```
 */
export interface BatchSummary {
  tables: Record<CleanTable, TableSummary>;
  /** Rows written to the quarantine table. */
  quarantined: number;
  warehouseDir: string;
  elapsedMs: number;
}

/**
 * Runs the batch once over everything in the lake.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { runBatch } from "./run.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/pinterest.geo/partition=0/pinterest.geo+0+0000000000.json",
 *   '{"ind":1,"timestamp":"2020-01-02 03:04:05","latitude":1,"longitude":2,"country":"Chad"}\n');
 * const summary = await runBatch({ store, warehouseDir: await Deno.makeTempDir() });
 * console.log(summary.tables.geo.rows); // 1
 * ```
 */
export async function runBatch(
  options: RunBatchOptions,
): Promise<BatchSummary> {
  const started = performance.now();
  const logger = options.logger ?? silentLogger;
  const prefix = options.prefix ?? "pinterest";
  const write = await beginWarehouseWrite(options.warehouseDir, {
    onWait: () =>
      logger.warn(
        "batch: another batch is writing this warehouse; waiting for it to finish",
        { dir: options.warehouseDir },
      ),
  });
  if (write.leftovers.length > 0) {
    logger.warn("batch: removed what batches that did not finish left", {
      dirs: write.leftovers,
    });
  }
  try {
    const tables = {} as Record<CleanTable, TableSummary>;
    const quarantine: QuarantineRow[] = [];
    for (const table of CLEAN_TABLES) {
      const done = await cleanTopic(options.store, table, {
        topic: `${prefix}.${table}`,
        logger,
        tempDir: write.stagingDir, // scratch goes with the staging folder
        chunkBytes: options.chunkBytes,
      });
      // Written while the next table is cleaned; renamed into place with the others.
      write.stage(table, done.clean);
      for (const q of done.quarantine) quarantine.push(q); // no spread: see topic.ts
      tables[table] = done.summary;
      logger.info(`batch ${table}`, { ...done.summary });
    }
    warnEmptyTopics(tables, { logger, prefix, lake: options.store.location });
    write.stage("quarantine", quarantineFrame(quarantine));
    await write.commit();
    const elapsedMs = Math.round(performance.now() - started);
    logger.info("batch written", { dir: options.warehouseDir, elapsedMs });
    return {
      tables,
      quarantined: quarantine.length,
      warehouseDir: options.warehouseDir,
      elapsedMs,
    };
  } catch (e) {
    await write.abort();
    throw e;
  }
}

/** Where {@linkcode warnEmptyTopics} says what. */
interface EmptyTopicsContext {
  logger: Logger;
  prefix: string;
  /** The lake's location. */
  lake: string;
}

/**
 * Warns when topics had no object: all of them (nothing posted in batch mode yet), or some
 * (a sink that does not consume them), whose tables are written empty.
 */
function warnEmptyTopics(
  tables: Record<CleanTable, TableSummary>,
  context: EmptyTopicsContext,
): void {
  const { logger, prefix, lake } = context;
  const empty = CLEAN_TABLES.filter((t) => tables[t].objects === 0);
  if (empty.length === CLEAN_TABLES.length) {
    logger.warn(
      `the lake has no objects under topics/${prefix}.*: no batch-mode post has reached it yet (\`deno task emulate\` posts in both modes by default; \`--mode stream\` posts to the streams only)`,
      { lake },
    );
  } else if (empty.length > 0) {
    const and = (items: string[]) => items.join(" and ");
    logger.warn(
      `the lake has no objects under ${
        and(empty.map((t) => `topics/${prefix}.${t}/`))
      }: the ${and(empty)} ${
        empty.length === 1 ? "table is" : "tables are"
      } written empty, so joins on ind with ${
        empty.length === 1 ? "it" : "them"
      } find nothing. Check that the sink consumes ${
        empty.length === 1 ? "that topic" : "those topics"
      }`,
      { lake },
    );
  }
}
