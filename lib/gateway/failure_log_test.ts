import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import type { LogContext, Logger } from "../logger.ts";
import type { TopicLog } from "../log/types.ts";
import { toGatewayError } from "./errors.ts";
import { FailureLog } from "./failure_log.ts";
import { createGateway } from "./gateway.ts";
import {
  expectError,
  GOOD_STREAM_BODY,
  GOOD_TOPIC_BODY,
  openTempLog,
  post,
  put,
  stored,
  STREAM,
  TOPIC,
} from "./test_support.ts";

interface Line {
  level: string;
  message: string;
  context?: LogContext;
}

function recorder(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  const at = (level: string) => (message: string, context?: LogContext) =>
    lines.push({ level, message, context });
  return {
    lines,
    logger: { info: at("info"), warn: at("warn"), error: at("error") },
  };
}

const ROUTE = "POST /topics/{topic}";
const outage = new BackendError("kafka", "append failed: no broker answered", {
  context: { op: "append", topic: "demo.pin" },
});
const answered = toGatewayError(outage);

Deno.test("FailureLog: one line for the first failure, the repeats counted every 10 s, one for the recovery", () => {
  const { logger, lines } = recorder();
  let now = 1_000;
  const log = new FailureLog({ logger, now: () => now });
  assert.equal(log.open, false);
  log.failed(ROUTE, { error: outage, answered });
  assert.equal(log.open, true);
  for (let i = 0; i < 40; i++) {
    now += 250; // 40 more failures over 10 s: the last one is due for a line
    log.failed(ROUTE, { error: outage, answered });
  }
  now += 100;
  log.failed(ROUTE, { error: outage, answered }); // within 10 s of that line: counted only
  now += 400;
  log.succeeded(ROUTE);
  assert.equal(log.open, false);
  log.succeeded(ROUTE); // no outage open: nothing to say
  const context = {
    status: 500,
    errorCode: 50002,
    backend: "kafka",
    op: "append",
    topic: "demo.pin",
  };
  assert.deepEqual(lines, [
    {
      level: "error",
      message:
        "gateway: POST /topics/{topic} failed: BackendError: kafka: append failed: no broker answered",
      context,
    },
    {
      level: "error",
      message:
        "gateway: POST /topics/{topic} failed (40 failures since the last line): BackendError: kafka: append failed: no broker answered",
      context,
    },
    {
      level: "info",
      message: "gateway: POST /topics/{topic} answers again",
      context: { failures: 42, seconds: 10.5 },
    },
  ]);
});

Deno.test("FailureLog: routes are reported apart; an unexpected error carries its stack", () => {
  const { logger, lines } = recorder();
  const log = new FailureLog({ logger, now: () => 0 });
  const bug = new TypeError("x is undefined");
  log.failed("PUT /streams/{stream}/record", {
    error: bug,
    answered: toGatewayError(bug),
  });
  log.failed(ROUTE, { error: outage, answered });
  log.failed(ROUTE, { error: outage, answered });
  assert.deepEqual(lines.map((l) => l.message), [
    "gateway: PUT /streams/{stream}/record failed: TypeError: x is undefined",
    "gateway: POST /topics/{topic} failed: BackendError: kafka: append failed: no broker answered",
  ]);
  assert.equal(lines[0].context?.stack, bug.stack);
  assert.equal(lines[1].context?.stack, undefined);
  log.succeeded(ROUTE);
  assert.equal(log.open, true); // the stream route has not answered yet
  assert.deepEqual(lines[2], {
    level: "info",
    message: "gateway: POST /topics/{topic} answers again",
    context: { failures: 2, seconds: 0 },
  });
});

Deno.test("gateway: a failing log answers 500 50002 to every request, logs one line, then the recovery", async () => {
  const { logger, lines } = recorder();
  const { log, cleanup } = await openTempLog("gateway_failures_");
  try {
    await log.topics.createTopic(TOPIC, { partitions: 2 });
    await log.streams.createStream(STREAM);
    let failing = 3;
    const topics: TopicLog = Object.create(log.topics);
    topics.append = (topic, records) => {
      if (failing-- > 0) return Promise.reject(outage);
      return log.topics.append(topic, records);
    };
    const gw = createGateway({ topics, streams: log.streams, logger });
    for (let i = 0; i < 3; i++) {
      const message = await expectError(
        await gw.handler(post(`/topics/${TOPIC}`, GOOD_TOPIC_BODY)),
        { status: 500, errorCode: 50002 },
      );
      assert.equal(
        message,
        "The log failed to handle the request (kafka: append failed: no broker answered); check the gateway's log and retry.",
      );
    }
    assert.deepEqual(lines.map((l) => l.message), [
      "gateway: POST /topics/{topic} failed: BackendError: kafka: append failed: no broker answered",
    ]);
    // Another route's success says nothing of this one.
    const streamRes = await gw.handler(
      put(`/streams/${STREAM}/record`, GOOD_STREAM_BODY),
    );
    assert.equal(streamRes.status, 200);
    await streamRes.body?.cancel();
    assert.equal(lines.length, 1);
    const res = await gw.handler(post(`/topics/${TOPIC}`, GOOD_TOPIC_BODY));
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(lines.length, 2);
    assert.equal(
      lines[1].message,
      "gateway: POST /topics/{topic} answers again",
    );
    assert.equal(lines[1].context?.failures, 3);
    assert.deepEqual(await stored(log), { topic: 1, stream: 1 });
  } finally {
    await cleanup();
  }
});

Deno.test("gateway: a refused request (422) during a log outage is no recovery: no 'answers again', no second failure line", async () => {
  const { logger, lines } = recorder();
  const { log, cleanup } = await openTempLog("gateway_failures_");
  try {
    await log.topics.createTopic(TOPIC, { partitions: 2 });
    const topics: TopicLog = Object.create(log.topics);
    topics.append = () => Promise.reject(outage);
    const gw = createGateway({ topics, streams: log.streams, logger });
    for (const body of [GOOD_TOPIC_BODY, '{"records":[]}', GOOD_TOPIC_BODY]) {
      const res = await gw.handler(post(`/topics/${TOPIC}`, body));
      await res.body?.cancel();
    }
    assert.deepEqual(lines.map((l) => l.message), [
      "gateway: POST /topics/{topic} failed: BackendError: kafka: append failed: no broker answered",
    ]);
  } finally {
    await cleanup();
  }
});
