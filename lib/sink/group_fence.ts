/**
 * The sink's fence against its consumer group's rebalances: what a member took in one
 * generation is written only while that generation lasts, and an offset commit the
 * coordinator refuses during a rebalance is reported, not thrown.
 *
 * @module
 */
import type { TopicConsumer, TopicPosition } from "../log/types.ts";
import type { Logger } from "../logger.ts";

/**
 * The group generation a member's partition state belongs to. The group's events arrive
 * only at an await, so a caller asks again after each one.
 *
 * @example
 * ```ts
 * import { GroupFence } from "./group_fence.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * import { silentLogger } from "../logger.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("t");
 * const consumer = await log.topics.consumer("g", ["t"]);
 * const fence = new GroupFence(consumer, silentLogger);
 * const generation = fence.generation;
 * console.log(fence.settled(() => 0), fence.unchanged(generation)); // true true
 * console.log(await fence.commit({ topic: "t", partition: 0, offset: 0 })); // true
 * await log.close();
 * ```
 */
export class GroupFence {
  #consumer: TopicConsumer;
  #logger: Logger;
  #generation: number;

  constructor(consumer: TopicConsumer, logger: Logger) {
    this.#consumer = consumer;
    this.#logger = logger;
    this.#generation = consumer.membership().generation;
  }

  /** The generation the member's state belongs to (-1 once a commit was refused). */
  get generation(): number {
    return this.#generation;
  }

  /**
   * Whether this member may go on writing what it took in `generation`: no rebalance began
   * or ended since, and no commit was refused. (Checked after every await: the group's
   * events arrive only then.)
   */
  unchanged(generation: number): boolean {
    const m = this.#consumer.membership();
    return this.#generation === generation && m.generation === generation &&
      !m.rebalancing;
  }

  /**
   * Commits one position; false (instead of the error) when the coordinator refused it
   * because the group is rebalancing. Then the member's state belongs to no generation:
   * the next {@linkcode GroupFence.settled} drops it, and whatever this member is assigned
   * next is recovered from the lake again.
   */
  async commit(position: TopicPosition): Promise<boolean> {
    try {
      await this.#consumer.commit([position]);
      return true;
    } catch (e) {
      if (!this.#consumer.membership().rebalancing) throw e;
      this.#logger.warn(
        "sink: offset commit refused during a group rebalance",
        { ...position, error: e instanceof Error ? e.message : String(e) },
      );
      this.#generation = -1;
      return false;
    }
  }

  /**
   * Whether this member may write now: false while its group rebalances. After a
   * rebalance `dropState` drops every partition's state, buffers included (nothing of them
   * was committed), and returns how many buffered records it dropped: a partition is
   * recovered from the lake again when its next record comes, since another member may
   * have written it meanwhile.
   */
  settled(dropState: () => number): boolean {
    const m = this.#consumer.membership();
    if (m.generation !== this.#generation) {
      const dropped = dropState();
      this.#generation = m.generation;
      this.#logger.info(
        "sink: the group rebalanced; partitions are recovered from the lake again",
        { generation: m.generation, bufferedRecordsDropped: dropped },
      );
    }
    return !m.rebalancing;
  }
}
