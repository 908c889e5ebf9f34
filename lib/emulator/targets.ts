/**
 * The topics and streams one post goes to, by mode and prefix.
 *
 * With prefix `pinterest` (the default): topics `pinterest.pin`, `pinterest.geo`,
 * `pinterest.user` (batch path, Kafka REST Proxy) and streams `streaming-pinterest-pin`,
 * `streaming-pinterest-geo`, `streaming-pinterest-user` (streaming path, Kinesis).
 *
 * @module
 */

import { ConfigError } from "../errors.ts";

/**
 * `batch` posts to topics, `stream` to streams, `both` to both.
 *
 * @example
 * ```ts
 * import { type Mode, targetsFor } from "./targets.ts";
 * const mode: Mode = "both";
 * console.log(targetsFor(mode, "pinterest").length); // 6: three topics, then three streams
 * ```
 */
export type Mode = "batch" | "stream" | "both";

/**
 * Every mode, in the order shown to people.
 *
 * @example
 * ```ts
 * import { MODES } from "./targets.ts";
 * console.log(MODES.join("|")); // batch|stream|both
 * ```
 */
export const MODES: readonly Mode[] = Object.freeze([
  "batch",
  "stream",
  "both",
]);

/**
 * Reads a mode from text (a CLI flag or env var), or throws a {@linkcode ConfigError}
 * naming `setting`.
 *
 * @example
 * ```ts
 * import { parseMode } from "./targets.ts";
 * console.log(parseMode("stream")); // stream
 * parseMode("kafka", "--mode"); // throws: Invalid setting --mode="kafka": must be one of batch, stream, both
 * ```
 */
export function parseMode(text: string, setting = "mode"): Mode {
  if ((MODES as readonly string[]).includes(text)) return text as Mode;
  throw new ConfigError(setting, `must be one of ${MODES.join(", ")}`, {
    value: text,
  });
}

/**
 * Which of the three records of a post.
 *
 * @example
 * ```ts
 * import { type Table, targetsFor } from "./targets.ts";
 * const table: Table = "user";
 * console.log(targetsFor("batch", "pinterest").find((t) => t.table === table)?.name); // pinterest.user
 * ```
 */
export type Table = "pin" | "geo" | "user";

/**
 * Where one record goes.
 *
 * @example
 * ```ts
 * import { type Target, targetsFor } from "./targets.ts";
 * const [first]: Target[] = targetsFor("stream", "pinterest");
 * console.log(first); // { kind: "stream", table: "pin", name: "streaming-pinterest-pin" }
 * ```
 */
export interface Target {
  kind: "topic" | "stream";
  table: Table;
  /** `pinterest.pin` or `streaming-pinterest-pin`. */
  name: string;
}

const TABLES: readonly Table[] = ["pin", "geo", "user"];

/**
 * The targets of a post, in posting order: topics pin, geo, user, then streams pin, geo,
 * user.
 *
 * @example
 * ```ts
 * import { targetsFor } from "./targets.ts";
 * console.log(targetsFor("stream", "pinterest").map((t) => t.name));
 * // ["streaming-pinterest-pin", "streaming-pinterest-geo", "streaming-pinterest-user"]
 * ```
 */
export function targetsFor(mode: Mode, prefix: string): Target[] {
  const topics = TABLES.map((table): Target => ({
    kind: "topic",
    table,
    name: `${prefix}.${table}`,
  }));
  const streams = TABLES.map((table): Target => ({
    kind: "stream",
    table,
    name: `streaming-${prefix}-${table}`,
  }));
  if (mode === "batch") return topics;
  if (mode === "stream") return streams;
  return [...topics, ...streams];
}
