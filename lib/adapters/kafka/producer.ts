/**
 * The adapter's appender: one idempotent kafkajs producer (`acks: -1`, one request in
 * flight) and a group commit on top — appends that arrive while a produce request is in
 * flight are merged into the next one, so concurrent gateway requests share round trips.
 *
 * A send that failed is never followed on the same producer: kafkajs takes back the
 * sequence numbers of a failed request, though the broker may have written some of it (the
 * partitions it accepted, or all of it after a timeout), and the broker answers a later
 * batch given those numbers as a duplicate of the written one: acknowledged, not written.
 * The next send goes out on a new producer (a new producer id, sequences from 0).
 *
 * When the broker refuses a send for what one append holds (a record over its topic's
 * `max.message.bytes`, a deleted topic, ...), the appends that shared the send go again,
 * each in a send of its own, so that only the append at fault fails. The broker may have
 * written the partitions it accepted, so those records may be stored twice: delivery is at
 * least once, as it would be had the client retried.
 *
 * A send fails after `sendTimeoutMs` in all: kafkajs retries a request the broker does not
 * answer for its request timeout each time, and a hung broker held every append (they go
 * out one request at a time) for nearly five minutes with the default settings.
 *
 * A send carries at most `maxRequestBytes` of records (the broker's default limit for one
 * record batch is 1 MiB), so a large append is split across sends; each record's offset is
 * still exact, taken from the base offset of its partition in its send.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { AppendResult } from "../../log/types.ts";
import { BackendError } from "../../errors.ts";
import { InvalidArgumentError } from "../../log/errors.ts";
import type { KafkaErrorContext } from "./errors.ts";
import {
  kafkaErrorTypes,
  KafkaLogClosedError,
  mapKafkaErrors,
  toKafkaError,
} from "./errors.ts";
import type { Producer } from "./kafkajs.ts";

/**
 * One record with its partition already chosen.
 *
 * @example
 * ```ts
 * import type { PlacedRecord } from "./producer.ts";
 * const record: PlacedRecord = { partition: 0, key: "42", value: new TextEncoder().encode('{"index":42}') };
 * console.log(record.value.length); // 12
 * ```
 */
export interface PlacedRecord {
  partition: number;
  key: string | null;
  value: Uint8Array;
}

/**
 * Options of {@linkcode GroupProducer}.
 *
 * @example
 * ```ts
 * import { createKafkaClient } from "./kafkajs.ts";
 * import { GroupProducer, type GroupProducerOptions } from "./producer.ts";
 * const options: GroupProducerOptions = {
 *   brokers: ["127.0.0.1:9092"],
 *   maxRequestBytes: 500_000,
 *   sendTimeoutMs: 20_000,
 * };
 * const kafka = createKafkaClient(options);
 * const group = new GroupProducer(() => kafka.producer({ idempotent: true, maxInFlightRequests: 1 }), options);
 * ```
 */
export interface GroupProducerOptions {
  /** Most record bytes in one produce request (default 900000). */
  maxRequestBytes?: number;
  /** Bootstrap brokers, for error messages. */
  brokers: string[];
  /**
   * Longest a send (connecting included) waits for the broker's acknowledgement, ms
   * (default 30000); then its appends fail and the producer is replaced.
   */
  sendTimeoutMs?: number;
}

/** What a send that took longer than `sendTimeoutMs` fails with, inside `#sendUnits`. */
const TIMED_OUT = Symbol("timed out");

/**
 * Broker refusals caused by what an append holds or where it goes, not by the broker or
 * the connection: a send that failed with one of them is tried again one append at a time.
 */
const REFUSED_FOR_CONTENT = new Set([
  "MESSAGE_TOO_LARGE",
  "RECORD_LIST_TOO_LARGE",
  "INVALID_RECORD",
  "CORRUPT_MESSAGE",
  "UNKNOWN_TOPIC_OR_PARTITION",
  "TOPIC_AUTHORIZATION_FAILED",
  "INVALID_TOPIC_EXCEPTION",
  "POLICY_VIOLATION",
]);

interface Unit {
  pending: Pending;
  index: number;
  size: number;
  /** Goes in a send with no other append's records (after a shared send was refused). */
  alone: boolean;
}

interface Pending {
  topic: string;
  records: PlacedRecord[];
  results: AppendResult[];
  left: number;
  failed: boolean;
  resolve(results: AppendResult[]): void;
  reject(err: unknown): void;
}

/**
 * Serialises appends onto one idempotent producer, merging those that wait. `create` makes
 * an unconnected kafkajs producer: the first send connects it, and a failed send has the
 * next one made and connected afresh.
 *
 * @example
 * ```ts
 * import { createKafkaClient } from "./kafkajs.ts";
 * import { GroupProducer } from "./producer.ts";
 * const kafka = createKafkaClient({ brokers: ["127.0.0.1:9092"] });
 * const create = () => kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
 * const group = new GroupProducer(create, { brokers: ["127.0.0.1:9092"] });
 * // await group.send("demo.pin", [{ partition: 0, key: null, value: new Uint8Array([123, 125]) }]);
 * await group.close();
 * ```
 */
export class GroupProducer {
  #create: () => Producer;
  #producer: Promise<Producer> | null = null;
  #units: Unit[] = [];
  #running = false;
  /** Called once the pump has sent every queued append (what `close()` waits for). */
  #drained: (() => void)[] = [];
  #closed = false;
  /** The next send goes out on a new producer (its metadata is out of date). */
  #renew = false;
  #maxBytes: number;
  #brokers: string[];
  #timeoutMs: number;

  constructor(create: () => Producer, options: GroupProducerOptions) {
    this.#create = create;
    this.#maxBytes = options.maxRequestBytes ?? 900_000;
    this.#brokers = options.brokers;
    this.#timeoutMs = options.sendTimeoutMs ?? 30_000;
  }

  /**
   * Sends the appends already queued (each is answered), then disconnects the producer. A
   * later `send` fails with `KafkaLogClosedError`: it would connect a producer nothing closes.
   */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#running) {
      await new Promise<void>((resolve) => this.#drained.push(resolve));
    }
    await this.#discard();
  }

  /**
   * Has the next send go out on a new producer, which reads the topics' metadata afresh:
   * kafkajs' producer keeps its metadata up to 5 minutes and leaves out, unsent, the records
   * of a partition added since.
   */
  renew(): void {
    this.#renew = true;
  }

  /** Appends `records` to `topic`; resolves with each record's partition and offset. */
  send(topic: string, records: PlacedRecord[]): Promise<AppendResult[]> {
    if (this.#closed) {
      return Promise.reject(new KafkaLogClosedError(this.#brokers));
    }
    if (records.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const pending: Pending = {
        topic,
        records,
        results: new Array(records.length),
        left: records.length,
        failed: false,
        resolve,
        reject,
      };
      records.forEach((r, index) => {
        const size = r.value.byteLength + (r.key?.length ?? 0) * 3 + 40;
        this.#units.push({ pending, index, size, alone: false });
      });
      if (!this.#running) this.#pump();
    });
  }

  async #pump(): Promise<void> {
    this.#running = true;
    try {
      while (this.#units.length > 0) {
        this.#units = this.#units.filter((u) => !u.pending.failed);
        if (this.#units.length === 0) break;
        const head = this.#units[0];
        let bytes = 0;
        let n = 0;
        while (
          n < this.#units.length &&
          (n === 0 || bytes + this.#units[n].size <= this.#maxBytes) &&
          (!head.alone || this.#units[n].pending === head.pending)
        ) bytes += this.#units[n++].size;
        await this.#sendUnits(this.#units.splice(0, n));
      }
    } finally {
      this.#running = false;
      for (const drained of this.#drained.splice(0)) drained();
    }
  }

  async #sendUnits(units: Unit[]): Promise<void> {
    const byTopic = new Map<
      string,
      { partition: number; key: string | null; value: Uint8Array }[]
    >();
    const slot = new Map<string, number>();
    const place: number[] = [];
    for (const u of units) {
      const r = u.pending.records[u.index];
      const k = `${u.pending.topic}\u0000${r.partition}`;
      place.push(slot.get(k) ?? 0);
      slot.set(k, (slot.get(k) ?? 0) + 1);
      const list = byTopic.get(u.pending.topic) ?? [];
      list.push({ partition: r.partition, key: r.key, value: r.value });
      byTopic.set(u.pending.topic, list);
    }
    let meta;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (this.#renew) {
      this.#renew = false;
      await this.#discard();
    }
    try {
      const sent = this.#connected().then((producer) =>
        producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({
            topic,
            messages: messages.map((m) => ({
              partition: m.partition,
              key: m.key,
              value: Buffer.from(
                m.value.buffer,
                m.value.byteOffset,
                m.value.byteLength,
              ),
            })),
          })),
        })
      );
      // Once given up, its own failure (the producer is disconnected) is of no interest.
      sent.catch(() => {});
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(TIMED_OUT), this.#timeoutMs);
      });
      meta = await Promise.race([sent, late]);
    } catch (e) {
      this.#discard(); // not awaited: the failed appends are answered now
      const failed = new Set(units.map((u) => u.pending));
      if (
        failed.size > 1 && e !== TIMED_OUT &&
        kafkaErrorTypes(e).some((t) => REFUSED_FOR_CONTENT.has(t))
      ) {
        for (const u of units) u.alone = true;
        this.#units.unshift(...units);
        return;
      }
      if (
        units.length === 1 && kafkaErrorTypes(e).includes("MESSAGE_TOO_LARGE")
      ) {
        const [{ pending, index }] = units;
        pending.failed = true;
        pending.reject(this.#tooLarge(pending, index, e));
        return;
      }
      for (const p of failed) {
        p.failed = true;
        p.reject(
          e === TIMED_OUT
            ? this.#timedOut(p.topic)
            : toKafkaError(e, this.#ctx(p.topic)),
        );
      }
      return;
    } finally {
      clearTimeout(timer);
    }
    const base = new Map<string, number>();
    for (const m of meta) {
      base.set(`${m.topicName}\u0000${m.partition}`, Number(m.baseOffset));
    }
    units.forEach((u, i) => {
      const r = u.pending.records[u.index];
      const b = base.get(`${u.pending.topic}\u0000${r.partition}`);
      if (u.pending.failed) return;
      if (b === undefined) {
        u.pending.failed = true;
        u.pending.reject(
          toKafkaError(
            new Error("no offset in the produce response"),
            this.#ctx(u.pending.topic),
          ),
        );
        return;
      }
      u.pending.results[u.index] = {
        partition: r.partition,
        offset: b + place[i],
      };
      if (--u.pending.left === 0) u.pending.resolve(u.pending.results);
    });
  }

  /** The producer, made and connected on first use (again after `#discard`). */
  #connected(): Promise<Producer> {
    if (this.#producer === null) {
      const producer = this.#create();
      const connecting = mapKafkaErrors(
        { op: "connect producer", brokers: this.#brokers },
        () => producer.connect(),
      ).then(() => producer);
      this.#producer = connecting;
      connecting.catch(() => {
        if (this.#producer === connecting) this.#producer = null;
      });
    }
    return this.#producer;
  }

  /**
   * Drops the producer (after a failed send, its sequence numbers are no longer the
   * broker's) and resolves once it is disconnected. Its disconnect waits for its requests in
   * flight, up to the request timeout: the next send does not wait for it.
   */
  async #discard(): Promise<void> {
    const producer = this.#producer;
    this.#producer = null;
    await producer?.then((p) => p.disconnect()).catch(() => {});
  }

  /** A record sent alone that its topic refused: the client's to change, not to retry. */
  #tooLarge(p: Pending, index: number, cause: unknown): InvalidArgumentError {
    const r = p.records[index];
    const bytes = r.value.byteLength +
      new TextEncoder().encode(r.key ?? "").byteLength;
    return new InvalidArgumentError(
      `records[${index}]`,
      `holds ${bytes} bytes (value + key), more than topic "${p.topic}" takes (its ` +
        "max.message.bytes on the broker); send smaller records or raise the topic's limit",
      { cause, context: { ...this.#ctx(p.topic) } },
    );
  }

  #timedOut(topic: string): BackendError {
    return new BackendError(
      "kafka",
      `append failed: the broker at ${
        this.#brokers.join(",")
      } did not acknowledge the records within ${this.#timeoutMs} ms; they may have been ` +
        "written all the same. Check that the broker answers (its log, its disk), then retry",
      { context: { ...this.#ctx(topic) } },
    );
  }

  #ctx(topic: string): KafkaErrorContext {
    return { op: "append", brokers: this.#brokers, topic };
  }
}
