/**
 * Opens every backend of a profile at once, for the whole pipeline (`deno task emulate`): its
 * topics, streams and lake (see `backends.ts`), and the source rows it posts.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { ObjectStore } from "../lake/types.ts";
import type { StreamLog, TopicLog } from "../log/types.ts";
import type { SourceReader } from "../source/types.ts";
import { openLake, type OpenLogOptions, openLogs } from "./backends.ts";
import type { PipelineConfig } from "./settings.ts";

/**
 * The opened backends of one profile.
 *
 * @example
 * ```ts
 * import { openRuntime, type Runtime } from "./runtime.ts";
 * import { loadConfig } from "./settings.ts";
 * const runtime: Runtime = await openRuntime(loadConfig({ dataDir: await Deno.makeTempDir() }, { env: {} }));
 * console.log(runtime.config.profile, await runtime.topics.listTopics()); // embedded []
 * await runtime.close();
 * ```
 */
export interface Runtime {
  config: PipelineConfig;
  topics: TopicLog;
  streams: StreamLog;
  lake: ObjectStore;
  /** Closes every backend; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens the topics, streams and lake of `config.profile`, for the whole pipeline
 * (`deno task emulate`). A stage that needs fewer backends opens only those
 * ({@linkcode openTopicLog}, {@linkcode openStreamLog}, {@linkcode openLogs},
 * {@linkcode openLake}), so it runs while the others are down.
 *
 * @example
 * ```ts
 * import { loadConfig, openRuntime } from "./mod.ts";
 * const runtime = await openRuntime(loadConfig({ dataDir: await Deno.makeTempDir() }));
 * console.log(runtime.lake.location);
 * await runtime.close();
 * ```
 */
export async function openRuntime(
  config: PipelineConfig,
  options: OpenLogOptions = {},
): Promise<Runtime> {
  const logs = await openLogs(config, options);
  try {
    const lake = await openLake(config);
    return { config, ...logs, lake };
  } catch (e) {
    await logs.close();
    throw e;
  }
}

/**
 * Options of {@linkcode openSource}.
 *
 * @example
 * ```ts
 * import { loadConfig, openSource, type OpenSourceOptions } from "./mod.ts";
 * const options: OpenSourceOptions = { connections: 12 };
 * const source = await openSource(loadConfig(), options);
 * await source.close();
 * ```
 */
export interface OpenSourceOptions {
  /** A MySQL source's connections, the reads it runs at once (default 4); unused by SQLite. */
  connections?: number;
}

/**
 * Opens the source rows named by `config.sourceUrl`: a `mysql://` URL or a SQLite path.
 * A missing SQLite file is an error here; `deno task seed` (or `emulate`) writes it. An unset
 * source (the aws profile has no default) is a `ConfigError` naming `SOURCE_URL`.
 *
 * @example
 * ```ts
 * import { loadConfig, openSource } from "./mod.ts";
 * const source = await openSource(loadConfig());
 * console.log(await source.rowCount());
 * await source.close();
 * ```
 */
export async function openSource(
  config: PipelineConfig,
  options: OpenSourceOptions = {},
): Promise<SourceReader> {
  if (config.sourceUrl === "") {
    throw new ConfigError(
      "SOURCE_URL (--source)",
      `required for the ${config.profile} profile: mysql://user:pass@host:3306/db`,
      { value: "" },
    );
  }
  const { isMysqlUrl, openMysqlSource, openSqliteSource } = await import(
    "../source/mod.ts"
  );
  return isMysqlUrl(config.sourceUrl)
    ? await openMysqlSource(config.sourceUrl, options)
    : await openSqliteSource(config.sourceUrl);
}
