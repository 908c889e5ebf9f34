/**
 * Waiting for a topic the controller just created to be served by the brokers. A KRaft
 * controller acknowledges `CreateTopics` once the topic is in its metadata log; a broker
 * applies that log a moment later, and until then answers metadata requests for the topic
 * with `UNKNOWN_TOPIC_OR_PARTITION`. kafkajs' own wait (`waitForLeaders`) retries only
 * `LEADER_NOT_AVAILABLE` and fails on that answer, so a topic created on a busy or freshly
 * started broker was reported as not existing.
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import { sleep } from "../../sleep.ts";
import { kafkaErrorTypes, toKafkaError } from "./errors.ts";
import type { Admin } from "./kafkajs.ts";

/** Answers that mean "the brokers have not caught up with the controller yet". */
const NOT_YET = ["UNKNOWN_TOPIC_OR_PARTITION", "LEADER_NOT_AVAILABLE"];

/**
 * Options of {@linkcode waitForTopicLeaders}.
 *
 * @example
 * ```ts
 * import type { WaitForTopicLeadersOptions } from "./topic_leaders.ts";
 * const options: WaitForTopicLeadersOptions = { brokers: ["127.0.0.1:9092"], partitions: 3, timeoutMs: 10_000 };
 * // await waitForTopicLeaders(admin, "demo.pin", options);
 * ```
 */
export interface WaitForTopicLeadersOptions {
  /** Bootstrap brokers, for error messages. */
  brokers: string[];
  /** Partitions the topic was created with. */
  partitions: number;
  /** How long to wait in all, ms (default 30,000). */
  timeoutMs?: number;
  /** Pause between metadata requests, ms (default 100). */
  intervalMs?: number;
}

/**
 * Resolves once a metadata request shows `topic` with all its partitions, each with a
 * leader. `UNKNOWN_TOPIC_OR_PARTITION` and `LEADER_NOT_AVAILABLE` mean "not yet"; any other
 * failure is thrown as `toKafkaError` maps it, and a topic still not served after
 * `timeoutMs` is a `BackendError` naming it.
 *
 * @example
 * ```ts
 * import { waitForTopicLeaders } from "./topic_leaders.ts";
 * import { createKafkaClient } from "./kafkajs.ts";
 * const admin = createKafkaClient({ brokers: ["127.0.0.1:9092"] }).admin();
 * await admin.connect();
 * await admin.createTopics({ topics: [{ topic: "demo.pin" }], waitForLeaders: false });
 * await waitForTopicLeaders(admin, "demo.pin", { brokers: ["127.0.0.1:9092"], partitions: 1 });
 * await admin.disconnect();
 * ```
 */
export async function waitForTopicLeaders(
  admin: Pick<Admin, "fetchTopicMetadata">,
  topic: string,
  options: WaitForTopicLeadersOptions,
): Promise<void> {
  const { brokers, partitions } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let last = "no metadata yet";
  while (true) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      const found = meta.topics.find((t) => t.name === topic);
      const led = found?.partitions.filter((p) => p.leader >= 0).length ?? 0;
      if (found && found.partitions.length >= partitions && led >= partitions) {
        return;
      }
      last = `${led} of ${partitions} partitions have a leader`;
    } catch (e) {
      const types = kafkaErrorTypes(e);
      if (!types.some((t) => NOT_YET.includes(t))) {
        throw toKafkaError(e, { op: "createTopic", brokers, topic });
      }
      last = types.join(", ");
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(options.intervalMs ?? 100, deadline - Date.now()));
  }
  throw new BackendError(
    "kafka",
    `createTopic failed: topic "${topic}" was created, but the broker at ${
      brokers.join(",")
    } did not serve it within ${timeoutMs} ms (${last}); check the broker's log`,
    { context: { op: "createTopic", brokers, topic } },
  );
}
