/**
 * Configuration: settings per profile and the opened backends of a profile.
 *
 * @example
 * ```ts
 * import { loadConfig, openRuntime } from "./mod.ts";
 * const runtime = await openRuntime(loadConfig({ profile: "embedded", dataDir: await Deno.makeTempDir() }));
 * console.log(runtime.config.profile); // embedded
 * await runtime.close();
 * ```
 *
 * @module
 */
export {
  type ConfigFlags,
  loadConfig,
  type LoadConfigOptions,
  LOCAL_ENDPOINTS,
  type PipelineConfig,
  type Profile,
  PROFILES,
  type SettingRow,
  SETTINGS_TABLE,
} from "./settings.ts";
export { type DataPaths, dataPaths, ensureDataDir } from "./data_paths.ts";
export {
  type Logs,
  openLake,
  type OpenLogOptions,
  openLogs,
  openStreamLog,
  openTopicLog,
} from "./backends.ts";
export {
  openRuntime,
  openSource,
  type OpenSourceOptions,
  type Runtime,
} from "./runtime.ts";
