/**
 * A partition assigner for consumer groups whose members read different topics, such as
 * the sinks of two prefixes in the default group `s3-sink`. kafkajs' own round robin hands
 * out only the leader's topics, to every member: a member reading other topics got none of
 * them (nor anyone else), and got some of the leader's, which kafkajs then drops. This one
 * works as Kafka's Java `RoundRobinAssignor` does: every topic any member reads is split,
 * round robin, among the members that read it.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import {
  type Admin,
  AssignerProtocol,
  type PartitionAssigner,
} from "./kafkajs.ts";
import { kafkaErrorTypes } from "./errors.ts";

/**
 * The protocol name members announce; members of older versions use kafkajs' `RoundRobinAssigner`.
 *
 * @example
 * ```ts
 * import { SUBSCRIPTION_ROUND_ROBIN } from "./assigner.ts";
 * console.log(SUBSCRIPTION_ROUND_ROBIN); // SubscriptionRoundRobin
 * ```
 */
export const SUBSCRIPTION_ROUND_ROBIN = "SubscriptionRoundRobin";

/**
 * A member of the group and the topics it reads.
 *
 * @example
 * ```ts
 * import { assignBySubscription, type GroupSubscription } from "./assigner.ts";
 * const members: GroupSubscription[] = [{ memberId: "a", topics: ["demo.pin", "demo.geo"] }];
 * console.log(assignBySubscription(members, new Map([["demo.pin", 2]])));
 * // { a: { "demo.pin": [0, 1] } }
 * ```
 */
export interface GroupSubscription {
  memberId: string;
  topics: readonly string[];
}

/**
 * Splits the partitions of every topic (`partitions`: name -> partition count) among the
 * members that read it: topics in name order, partitions in order, each to the next member
 * (by member id, round robin) that reads the topic. Every member is in the result.
 *
 * @example
 * ```ts
 * import { assignBySubscription } from "./assigner.ts";
 * const a = assignBySubscription(
 *   [{ memberId: "a", topics: ["x.pin"] }, { memberId: "b", topics: ["y.pin"] }],
 *   new Map([["x.pin", 1], ["y.pin", 1]]),
 * );
 * console.log(a); // { a: { "x.pin": [0] }, b: { "y.pin": [0] } }
 * ```
 */
export function assignBySubscription(
  members: readonly GroupSubscription[],
  partitions: ReadonlyMap<string, number>,
): Record<string, Record<string, number[]>> {
  const sorted = [...members].sort((a, b) =>
    a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0
  );
  const out: Record<string, Record<string, number[]>> = {};
  for (const m of sorted) out[m.memberId] = {};
  const topics = [...partitions.keys()].sort();
  let next = 0;
  for (const topic of topics) {
    const readers = sorted.filter((m) => m.topics.includes(topic));
    if (readers.length === 0) continue;
    for (let p = 0; p < partitions.get(topic)!; p++) {
      while (!sorted[next % sorted.length].topics.includes(topic)) next++;
      const id = sorted[next % sorted.length].memberId;
      next++;
      (out[id][topic] ??= []).push(p);
    }
  }
  return out;
}

/**
 * The kafkajs `PartitionAssigner` of {@linkcode assignBySubscription}. The leader learns
 * the partition counts of the members' topics through `admin` (it holds metadata of its own
 * topics only); a topic that no longer exists is left out.
 *
 * @example
 * ```ts
 * import { subscriptionRoundRobin } from "./assigner.ts";
 * import { createKafkaClient, PartitionAssigners } from "./kafkajs.ts";
 * const kafka = createKafkaClient({ brokers: ["127.0.0.1:9092"] });
 * const admin = kafka.admin();
 * const consumer = kafka.consumer({
 *   groupId: "demo",
 *   partitionAssigners: [subscriptionRoundRobin(admin), PartitionAssigners.roundRobin],
 * });
 * ```
 */
export function subscriptionRoundRobin(
  admin: Pick<Admin, "fetchTopicMetadata">,
): PartitionAssigner {
  return () => ({
    name: SUBSCRIPTION_ROUND_ROBIN,
    version: 0,
    async assign({ members }) {
      const subscriptions = members.map((m) => ({
        memberId: m.memberId,
        topics: AssignerProtocol.MemberMetadata.decode(m.memberMetadata)
          ?.topics ?? [],
      }));
      const topics = [...new Set(subscriptions.flatMap((s) => s.topics))];
      const partitions = new Map<string, number>();
      for (const topic of topics) {
        const count = await partitionCount(admin, topic);
        if (count > 0) partitions.set(topic, count);
      }
      const assignment = assignBySubscription(subscriptions, partitions);
      return Object.entries(assignment).map(([memberId, topicPartitions]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: topicPartitions,
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }) {
      return {
        name: SUBSCRIPTION_ROUND_ROBIN,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 0,
          topics,
          userData: Buffer.alloc(0),
        }),
      };
    },
  });
}

async function partitionCount(
  admin: Pick<Admin, "fetchTopicMetadata">,
  topic: string,
): Promise<number> {
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics.find((t) => t.name === topic)?.partitions.length ?? 0;
  } catch (e) {
    if (kafkaErrorTypes(e).includes("UNKNOWN_TOPIC_OR_PARTITION")) return 0;
    throw e;
  }
}
