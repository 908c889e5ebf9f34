/**
 * The Kafka adapter: `TopicLog` on a real broker (MSK, Apache Kafka) through kafkajs.
 * `kafkajs.ts` is the only module of the repository importing the SDK.
 *
 * @example
 * ```ts
 * import { openKafkaLog } from "./mod.ts";
 * const log = await openKafkaLog({ brokers: ["127.0.0.1:9092"] });
 * await log.createTopic("demo.pin");
 * await log.append("demo.pin", [{ value: new TextEncoder().encode('{"a":1}') }]);
 * await log.close();
 * ```
 *
 * @module
 */

export {
  type KafkaLogOptions,
  KafkaTopicLog,
  type KafkaTopicLogOptions,
  openKafkaLog,
} from "./topic_log.ts";
export { type KafkaConsumerOptions, KafkaTopicConsumer } from "./consumer.ts";
export { type KafkaGroupOptions } from "./group.ts";
export {
  type KafkaErrorContext,
  kafkaErrorTypes,
  KafkaLogClosedError,
  mapKafkaErrors,
  toKafkaError,
} from "./errors.ts";
export {
  type KafkaSecurityContext,
  kafkaSecurityContext,
  securityHint,
} from "./security_errors.ts";
export {
  createKafkaClient,
  type KafkaClientOptions,
  kafkaLogCreator,
  type KafkaLogCreatorOptions,
  type KafkaSasl,
  parseBrokers,
} from "./kafkajs.ts";
