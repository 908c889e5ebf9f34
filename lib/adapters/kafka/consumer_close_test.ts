import assert from "node:assert/strict";
import { KafkaTopicConsumer } from "./consumer.ts";
import type { Admin, Consumer } from "./kafkajs.ts";

Deno.test("kafka consumer: close gives up waiting for a broker that does not answer after closeTimeoutMs, and a waiting poll returns", async () => {
  let disconnects = 0;
  // kafkajs' disconnect waits for the fetch in flight and for the broker to take the
  // member's LeaveGroup, one request timeout each: 59.5 s on a SIGSTOPped broker.
  const raw = {
    disconnect: () => {
      disconnects++;
      return new Promise<void>(() => {});
    },
  } as unknown as Consumer;
  const consumer = new KafkaTopicConsumer(raw, {
    admin: {} as Admin,
    group: "g",
    partitions: new Map([["t", 1]]),
    brokers: ["b:1"],
    closeTimeoutMs: 200,
  });
  consumer.assigned({ t: [0] });
  const polled = consumer.poll({ timeoutMs: 60_000 });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("still closing after 3 s"), 3000);
  });
  const began = Date.now();
  const closed = await Promise.race([
    consumer.close().then(() => "closed"),
    hung,
  ]);
  clearTimeout(timer);
  assert.equal(closed, "closed");
  const tookMs = Date.now() - began;
  assert.ok(tookMs >= 190 && tookMs < 1000, `close took ${tookMs} ms`);
  assert.equal(disconnects, 1);
  assert.deepEqual(await polled, []);
  await consumer.close();
  assert.equal(disconnects, 1, "a second close does not disconnect again");
});
