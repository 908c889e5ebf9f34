/**
 * Local servers of the `local` profile (`deno task services up|down|status`): a real Kafka
 * broker (KRaft), kinesis-mock, s3rver and MariaDB, each a
 * {@linkcode Service} with PID files under a state dir.
 *
 * @example
 * ```ts
 * import { kafkaService } from "./mod.ts";
 * console.log(await kafkaService.status({ stateDir: ".cache/services" }));
 * ```
 *
 * @module
 */

export type {
  Service,
  ServiceHandle,
  ServiceStartOptions,
  ServiceStateOptions,
  ServiceStatus,
} from "./service.ts";
export type { PidRecord, ServicePid } from "./pid_file.ts";
export {
  readPidFile,
  removePidFile,
  serviceDir,
  writePidFile,
} from "./pid_file.ts";
export {
  canConnect,
  freePort,
  isAlive,
  spawnDetached,
  type SpawnDetachedOptions,
  stopPid,
  type StopPidOptions,
} from "./process.ts";
export {
  KAFKA_DEFAULT_PORT,
  kafkaService,
  type KafkaStartOptions,
} from "./kafka.ts";
export {
  DEFAULT_KAFKA_CACHE_DIR,
  ensureKafkaJars,
  type EnsureKafkaJarsOptions,
  KAFKA_SCALA_VERSION,
  KAFKA_VERSION,
  kafkaPom,
} from "./kafka_jars.ts";
export {
  KINESIS_DEFAULT_PORT,
  kinesisService,
  type KinesisStartOptions,
} from "./kinesis.ts";
export {
  S3_DEFAULT_BUCKET,
  S3_DEFAULT_PORT,
  s3Service,
  type S3StartOptions,
} from "./s3.ts";
export {
  MARIADB_DEFAULT_PORT,
  MARIADB_DEFAULT_URL,
  mariadbService,
  type MariadbStartOptions,
  mariadbUrl,
} from "./mariadb.ts";
