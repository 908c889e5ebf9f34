import assert from "node:assert/strict";
import type { LogContext } from "../../logger.ts";
import { kafkaLogCreator, logLevel } from "./kafkajs.ts";

/** A kafkajs log entry as its logCreator gets it. */
function entry(level: logLevel, message: string) {
  return {
    namespace: "Connection",
    level,
    label: "ERROR",
    log: {
      timestamp: "2026-11-27T00:00:00.000Z",
      logger: "kafkajs",
      message,
      broker: "b:1",
      clientId: "pinterest-pipeline",
      stack: "Error: connect ECONNREFUSED\n    at x",
    },
  };
}

Deno.test("kafkaLogCreator: warnings and errors only, less retried answers, without stacks, each distinct one at most once per interval, with the repeats dropped", () => {
  const lines: [string, LogContext | undefined][] = [];
  let now = 0;
  const log = kafkaLogCreator({
    info: () => {},
    warn: (m, c) => lines.push([m, c]),
    error: () => {},
  }, { everyMs: 10_000, now: () => now })(logLevel.WARN);
  log(entry(logLevel.INFO, "connected"));
  log(entry(logLevel.ERROR, "Response Heartbeat(key: 12, version: 3)"));
  log(entry(
    logLevel.WARN,
    "Limiting retries for the idempotent producer may invalidate EoS guarantees",
  ));
  log(entry(logLevel.DEBUG, "request"));
  for (let i = 0; i < 5; i++) log(entry(logLevel.ERROR, "Connection error"));
  log(entry(logLevel.WARN, "Failed to connect to seed broker"));
  now = 9_999;
  log(entry(logLevel.ERROR, "Connection error"));
  now = 10_000;
  log(entry(logLevel.ERROR, "Connection error"));
  assert.deepEqual(lines, [
    ["kafkajs Connection: Connection error", { broker: "b:1" }],
    ["kafkajs Connection: Failed to connect to seed broker", { broker: "b:1" }],
    ["kafkajs Connection: Connection error", { broker: "b:1", repeats: 5 }],
  ]);
});
