/**
 * Errors of the batch stage and of readers of its warehouse.
 *
 * @module
 */
import { PipelineError, type PipelineErrorOptions } from "../errors.ts";

/**
 * A warehouse table is missing: the batch has not run (or ran elsewhere).
 *
 * @example
 * ```ts
 * import { WarehouseMissingError } from "./errors.ts";
 * const err = new WarehouseMissingError(".data/warehouse", ["pin"]);
 * console.log(err.message); // ... run `deno task batch` first ...
 * ```
 */
export class WarehouseMissingError extends PipelineError {
  constructor(
    dir: string,
    missing: readonly string[],
    options: PipelineErrorOptions = {},
  ) {
    super(
      `The warehouse in ${dir} has no ${
        missing.map((t) => `${t}.parquet`).join(", ")
      }: run \`deno task batch\` first (after \`deno task emulate\` has filled the lake).`,
      {
        ...options,
        code: "WAREHOUSE_MISSING",
        context: { dir, missing, ...options.context },
      },
    );
  }
}

/**
 * Options of {@linkcode WarehouseWriteError}.
 *
 * @example
 * ```ts
 * import { WarehouseWriteError, type WarehouseWriteErrorOptions } from "./errors.ts";
 * const options: WarehouseWriteErrorOptions = { replaced: ["pin"] };
 * console.log(new WarehouseWriteError(".data/warehouse", new Error("EIO"), options).context);
 * // { dir: ".data/warehouse", replaced: ["pin"] }
 * ```
 */
export interface WarehouseWriteErrorOptions extends PipelineErrorOptions {
  /** Tables already renamed into place when the write failed; default none. */
  replaced?: readonly string[];
}

/**
 * Writing the warehouse failed; the previous tables are left as they were, unless some were
 * already replaced (`replaced`), when the warehouse holds tables of two runs.
 *
 * @example
 * ```ts
 * import { WarehouseWriteError } from "./errors.ts";
 * const err = new WarehouseWriteError(".data/warehouse", new Error("disk full"));
 * console.log(err.code); // WAREHOUSE_WRITE
 * ```
 */
export class WarehouseWriteError extends PipelineError {
  constructor(
    dir: string,
    cause: unknown,
    options: WarehouseWriteErrorOptions = {},
  ) {
    const { replaced = [], ...rest } = options;
    const state = replaced.length === 0
      ? "; the previous tables are unchanged"
      : ` after replacing ${
        replaced.map((t) => `${t}.parquet`).join(", ")
      }: it holds tables of two runs, which readers refuse`;
    super(
      `Could not write the warehouse in ${dir} (${
        cause instanceof Error ? cause.message : String(cause)
      })${state}. Check free space and permissions, then rerun \`deno task batch\`.`,
      {
        ...rest,
        cause,
        code: "WAREHOUSE_WRITE",
        context: {
          dir,
          ...(replaced.length > 0 ? { replaced: [...replaced] } : {}),
          ...rest.context,
        },
      },
    );
  }
}

/**
 * The warehouse holds tables of two batch runs: a batch was stopped while it renamed its
 * tables into place (its commit mark stayed).
 *
 * @example
 * ```ts
 * import { WarehouseMixedError } from "./errors.ts";
 * const err = new WarehouseMixedError(".data/warehouse");
 * console.log(err.code); // WAREHOUSE_MIXED
 * ```
 */
export class WarehouseMixedError extends PipelineError {
  constructor(dir: string, options: PipelineErrorOptions = {}) {
    super(
      `The warehouse in ${dir} holds tables of two batch runs: a batch was stopped (killed, out of memory, power lost) while it renamed its tables into place. Run \`deno task batch\` again: it rewrites every table.`,
      {
        ...options,
        code: "WAREHOUSE_MIXED",
        context: { dir, ...options.context },
      },
    );
  }
}

/**
 * The warehouse tables exist but hold no rows: the lake was empty when the batch ran.
 *
 * @example
 * ```ts
 * import { WarehouseEmptyError } from "./errors.ts";
 * console.log(new WarehouseEmptyError(".data/warehouse").code); // WAREHOUSE_EMPTY
 * ```
 */
export class WarehouseEmptyError extends PipelineError {
  constructor(dir: string, options: PipelineErrorOptions = {}) {
    super(
      `The warehouse in ${dir} has no rows: post some data with \`deno task emulate\`, then run \`deno task batch\` first.`,
      {
        ...options,
        code: "WAREHOUSE_EMPTY",
        context: { dir, ...options.context },
      },
    );
  }
}

/**
 * Options of {@linkcode WarehouseDamagedError}: `cause`, the reader's error, is required.
 *
 * @example
 * ```ts
 * import { WarehouseDamagedError, type WarehouseDamagedErrorOptions } from "./errors.ts";
 * const options: WarehouseDamagedErrorOptions = { cause: new Error("bad magic"), context: { rows: 0 } };
 * const err = new WarehouseDamagedError(".data/warehouse", "geo", options);
 * console.log(err.context); // { dir: ".data/warehouse", table: "geo", rows: 0 }
 * ```
 */
export interface WarehouseDamagedErrorOptions extends PipelineErrorOptions {
  /** The error the parquet reader threw; its message goes into this one's. */
  cause: unknown;
}

/**
 * A warehouse table file exists but cannot be read: it was damaged after the batch wrote it.
 *
 * @example
 * ```ts
 * import { WarehouseDamagedError } from "./errors.ts";
 * const err = new WarehouseDamagedError(".data/warehouse", "pin", {
 *   cause: new Error("file out of specification"),
 * });
 * console.log(err.code); // WAREHOUSE_DAMAGED
 * ```
 */
export class WarehouseDamagedError extends PipelineError {
  /** `dir`: the warehouse; `table`: the table whose file failed. */
  constructor(
    dir: string,
    table: string,
    options: WarehouseDamagedErrorOptions,
  ) {
    const { cause } = options;
    super(
      `The warehouse table ${dir}/${table}.parquet cannot be read (${
        cause instanceof Error ? cause.message : String(cause)
      }): the file is damaged. Run \`deno task batch\` again: it rewrites every table from the lake.`,
      {
        ...options,
        code: "WAREHOUSE_DAMAGED",
        context: { dir, table, ...options.context },
      },
    );
  }
}

/**
 * Options of {@linkcode LakeObjectError}: `cause`, the decompressor's error, is required.
 *
 * @example
 * ```ts
 * import { LakeObjectError, type LakeObjectErrorOptions } from "./errors.ts";
 * const options: LakeObjectErrorOptions = { cause: new Error("incorrect header check") };
 * const err = new LakeObjectError(".data/lake", "topics/t/partition=0/t+0+0000000000.json.gz", options);
 * console.log(err.cause === options.cause); // true
 * ```
 */
export interface LakeObjectErrorOptions extends PipelineErrorOptions {
  /** The error gunzip threw; its message goes into this one's. */
  cause: unknown;
}

/**
 * A lake object named `.json.gz` (the connector's `s3.compression.type=gzip`) is not gzip
 * data. The batch stops rather than leave its records out of the tables.
 *
 * @example
 * ```ts
 * import { LakeObjectError } from "./errors.ts";
 * const err = new LakeObjectError("s3://lake/", "topics/p.pin/partition=0/p.pin+0+0000000000.json.gz", {
 *   cause: new Error("incorrect header check"),
 * });
 * console.log(err.code); // LAKE_OBJECT_UNREADABLE
 * ```
 */
export class LakeObjectError extends PipelineError {
  /** `location`: the lake; `key`: the object. */
  constructor(
    location: string,
    key: string,
    options: LakeObjectErrorOptions,
  ) {
    const { cause } = options;
    super(
      `Lake object ${key} in ${location} is named .json.gz but is not gzip data (${
        cause instanceof Error ? cause.message : String(cause)
      }). The batch stops rather than leave its records out: replace the object (or remove it, losing its records), then run the batch again.`,
      {
        ...options,
        code: "LAKE_OBJECT_UNREADABLE",
        context: { location, key, ...options.context },
      },
    );
  }
}

/**
 * A lake object the batch listed was gone when it read it: removed (by hand, a lifecycle
 * rule) while the batch ran. The batch stops rather than leave its records out.
 *
 * @example
 * ```ts
 * import { LakeObjectGoneError } from "./errors.ts";
 * const err = new LakeObjectGoneError(".data/lake", "topics/p.pin/partition=0/p.pin+0+0000000000.json");
 * console.log(err.code, err.context.key); // LAKE_OBJECT_GONE topics/p.pin/partition=0/p.pin+0+0000000000.json
 * ```
 */
export class LakeObjectGoneError extends PipelineError {
  /** `location`: the lake; `key`: the object. */
  constructor(
    location: string,
    key: string,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Lake object ${key} in ${location} was listed but is gone before the batch could read it (removed while the batch ran). Nothing was written: run \`deno task batch\` again.`,
      {
        ...options,
        code: "LAKE_OBJECT_GONE",
        context: { location, key, ...options.context },
      },
    );
  }
}
