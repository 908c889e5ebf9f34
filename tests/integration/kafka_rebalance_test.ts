/**
 * Several sinks in one consumer group on a real broker, as Kafka Connect runs several tasks:
 * while records are appended to a 4-partition topic, a second sink joins the group, leaves
 * it, and a third joins, so partitions move between members in three rebalances. Each
 * member must stop writing a partition once it moved away, and recover a partition from the
 * lake when it comes back (another member wrote it meanwhile). The lake must then hold every
 * acknowledged record exactly once, at its offset, and no sink may have failed.
 */
import assert from "node:assert/strict";
import { openKafkaLog } from "../../lib/adapters/kafka/mod.ts";
import type { Logger } from "../../lib/logger.ts";
import { createSink, type Sink } from "../../lib/sink/mod.ts";
import { sleep } from "../../lib/sleep.ts";
import { byOffset, kafkaStack, openTestLake, readLake } from "./kafka_stack.ts";

const stack = await kafkaStack();

/** Counts the sink's rebalance notices; everything else is dropped. */
function rebalanceCounter(): Logger & { rebalances: number } {
  const logger = {
    rebalances: 0,
    info: (message: string) => {
      if (message.includes("the group rebalanced")) logger.rebalances++;
    },
    warn: () => {},
    error: () => {},
  };
  return logger;
}

Deno.test({
  name:
    "kafka rebalance: sinks joining and leaving one group write every record once, and none fails",
  ignore: stack.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const topic = `itest${crypto.randomUUID().slice(0, 8)}.pin`;
    const group = `${topic}-sink`;
    const producer = await openKafkaLog({
      brokers: stack.brokers,
      clientId: "itest-rebalance-producer",
    });
    const logs = await Promise.all(
      [1, 2, 3].map((i) =>
        openKafkaLog({
          brokers: stack.brokers,
          clientId: `itest-rebalance-sink${i}`,
          // Rebalances complete within a second or two of a member joining or leaving.
          sessionTimeoutMs: 6000,
          heartbeatIntervalMs: 300,
        })
      ),
    );
    const lake = await openTestLake(stack, "rebalance");
    await producer.createTopic(topic, { partitions: 4 });
    const expected = new Map<string, unknown>();
    const loggers = logs.map(() => rebalanceCounter());
    const sinks: Sink[] = logs.map((log, i) =>
      createSink({
        log,
        store: lake,
        topics: [topic],
        group,
        flushSize: 40,
        rotateIntervalMs: 300,
        logger: loggers[i],
      })
    );
    const failures: string[] = [];
    const run = (i: number) =>
      sinks[i].run().catch((e) => {
        failures.push(`sink ${i + 1}: ${e instanceof Error ? e.message : e}`);
      });
    // A stall fails the test after 2 minutes, naming the phase, instead of holding CI
    // until its timeout. (One was seen: a sink whose due buffer could not be flushed during
    // a rebalance polled with 0 ms timeouts and starved the event loop; see `loop.ts`.)
    let phase = "the first sink joins";
    const watchdog = setTimeout(() => {
      throw new Error(`kafka rebalance test stalled while ${phase}`);
    }, 120_000);
    try {
      const runs = [run(0)];
      await sinks[0].ready();
      phase = "records are appended";
      let producing = true;
      const produce = (async () => {
        for (let n = 0; producing; n += 20) {
          const values = Array.from({ length: 20 }, (_, i) => ({ n: n + i }));
          const acks = await producer.append(
            topic,
            values.map((v, i) => ({
              value: new TextEncoder().encode(JSON.stringify(v)),
              partition: (n + i) % 4,
            })),
          );
          acks.forEach((a, i) =>
            expected.set(`${topic}/${a.partition}/${a.offset}`, values[i])
          );
          await sleep(40);
        }
      })();
      await sleep(2500);
      phase = "the second sink joins";
      runs.push(run(1)); // joins: partitions move to it
      await sinks[1].ready();
      await sleep(4000);
      phase = "the second sink leaves";
      await sinks[1].stop(); // leaves: its partitions come back to the first
      await sleep(3000);
      phase = "the third sink joins";
      runs.push(run(2));
      await sinks[2].ready();
      await sleep(3000);
      phase = "the producer stops";
      producing = false;
      await produce;
      phase = "the sinks drain and stop";
      await sinks[2].stop({ drain: true, idleMs: 1500 });
      await sinks[0].stop({ drain: true, idleMs: 1500 });
      await Promise.all(runs);
      assert.deepEqual(failures, []);

      assert.ok(expected.size > 1000, `${expected.size} records appended`);
      for (const [i, sink] of sinks.entries()) {
        assert.ok(sink.stats.recordsWritten > 0, `sink ${i + 1} wrote records`);
      }
      assert.ok(loggers[0].rebalances >= 2, "the first sink saw rebalances");
      assert.deepEqual(byOffset(await readLake(lake)), expected);
    } finally {
      clearTimeout(watchdog);
      for (const sink of sinks) await sink.stop();
      await producer.close();
      for (const log of logs) await log.close();
      for (const { key } of await lake.list("")) await lake.delete(key);
    }
  },
});
