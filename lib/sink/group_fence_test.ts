// GroupFence: a commit refused during a rebalance, the state dropped after one, and the
// errors it must not swallow. The embedded log's group has one member and never rebalances,
// so its consumer is wrapped with a membership and a coordinator the test moves as Kafka's
// would (the Kafka side runs in tests/integration/kafka_rebalance_test.ts).
import assert from "node:assert/strict";
import { openEmbeddedLog, type TopicConsumer } from "../log/mod.ts";
import type { Membership, TopicPosition } from "../log/types.ts";
import type { LogContext, Logger } from "../logger.ts";
import { GroupFence } from "./group_fence.ts";

/** A member of a group whose rebalances the test starts and ends. */
interface Group {
  consumer: TopicConsumer;
  state: { generation: number; rebalancing: boolean; refuse?: Error };
  warnings: [string, LogContext | undefined][];
  logger: Logger;
  cleanup(): Promise<void>;
}

async function group(): Promise<Group> {
  // A folder of its own: the log leaves `-wal`, `-shm` and the group's lock file beside it.
  const dir = await Deno.makeTempDir({ prefix: "group_fence_test_" });
  const log = await openEmbeddedLog(`${dir}/log.db`, { fsync: false });
  await log.topics.createTopic("t");
  const inner = await log.topics.consumer("g", ["t"]);
  const state: Group["state"] = { generation: 3, rebalancing: false };
  const membership = (): Membership => ({
    generation: state.generation,
    rebalancing: state.rebalancing,
    owns: () => !state.rebalancing,
  });
  const consumer: TopicConsumer = {
    poll: (o) => inner.poll(o),
    seek: (p) => inner.seek(p),
    commit: (positions: TopicPosition[]) =>
      state.refuse ? Promise.reject(state.refuse) : inner.commit(positions),
    committed: (topic, partition) => inner.committed(topic, partition),
    offsets: (topic, partition) => inner.offsets(topic, partition),
    membership,
    close: () => inner.close(),
  };
  const warnings: Group["warnings"] = [];
  const logger: Logger = {
    info: () => {},
    warn: (m, c) => warnings.push([m, c]),
    error: () => {},
  };
  return {
    consumer,
    state,
    warnings,
    logger,
    cleanup: async () => {
      await log.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("a commit refused during a rebalance returns false, fences the generation and drops the state once", async () => {
  const g = await group();
  try {
    const fence = new GroupFence(g.consumer, g.logger);
    assert.equal(fence.generation, 3);
    assert.equal(
      await fence.commit({ topic: "t", partition: 0, offset: 5 }),
      true,
    );
    assert.equal(await g.consumer.committed("t", 0), 5);

    g.state.rebalancing = true;
    g.state.refuse = new Error("The coordinator is rebalancing the group");
    assert.equal(
      await fence.commit({ topic: "t", partition: 0, offset: 9 }),
      false,
    );
    assert.equal(fence.generation, -1);
    assert.equal(await g.consumer.committed("t", 0), 5);
    assert.deepEqual(g.warnings, [[
      "sink: offset commit refused during a group rebalance",
      {
        topic: "t",
        partition: 0,
        offset: 9,
        error: "The coordinator is rebalancing the group",
      },
    ]]);
    // What was taken in generation 3 may not be written any more.
    assert.equal(fence.unchanged(3), false);

    // While the group still rebalances the member waits, having dropped its state.
    let drops = 0;
    assert.equal(fence.settled(() => (drops++, 7)), false);
    assert.equal(drops, 1);
    assert.equal(fence.generation, 3);

    // The rebalance ends in generation 4: the state is dropped again (the member may have
    // buffered nothing since, but its partitions may have moved) and writing resumes.
    g.state.rebalancing = false;
    g.state.generation = 4;
    delete g.state.refuse;
    assert.equal(fence.settled(() => (drops++, 0)), true);
    assert.equal(drops, 2);
    assert.equal(fence.generation, 4);
    assert.equal(fence.unchanged(4), true);
    // Settled again in the same generation: nothing is dropped.
    assert.equal(fence.settled(() => (drops++, 0)), true);
    assert.equal(drops, 2);
  } finally {
    await g.cleanup();
  }
});

Deno.test("a commit failing outside a rebalance is thrown, not taken for a refusal", async () => {
  const g = await group();
  try {
    const fence = new GroupFence(g.consumer, g.logger);
    const failure = new Error("connection to the coordinator lost");
    g.state.refuse = failure;
    await assert.rejects(
      fence.commit({ topic: "t", partition: 0, offset: 1 }),
      (e) => e === failure,
    );
    assert.equal(fence.generation, 3);
    assert.equal(fence.unchanged(3), true);
    assert.deepEqual(g.warnings, []);
  } finally {
    await g.cleanup();
  }
});

Deno.test("a rebalance that began since the records were taken stops their write", async () => {
  const g = await group();
  try {
    const fence = new GroupFence(g.consumer, g.logger);
    const taken = fence.generation;
    g.state.rebalancing = true;
    assert.equal(fence.unchanged(taken), false);
    // Once it ends, the new assignment is a new generation: the old one's records stay
    // unwritten.
    g.state.rebalancing = false;
    g.state.generation = 4;
    assert.equal(fence.unchanged(taken), false);
  } finally {
    await g.cleanup();
  }
});
