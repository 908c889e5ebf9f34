/**
 * `deno task emulate`'s flags: what each one becomes in the job's options, and the bad values
 * refused naming the flag and what is allowed.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { parseEmulateArgs } from "./emulate_args.ts";

Deno.test("parseEmulateArgs: flags to job options; --post-only is off unless given", () => {
  const plain = parseEmulateArgs(["--count", "7", "--duration", "2.5"]);
  assert.deepEqual(plain.job, {
    count: 7,
    duration: 2_500,
    rate: undefined,
    concurrency: undefined,
    mode: undefined,
    api: undefined,
    apiKey: undefined,
    postOnly: false,
    randomSeed: undefined,
  });
  const posting = parseEmulateArgs([
    "--post-only",
    "--api",
    "http://127.0.0.1:8080",
    "--mode",
    "stream",
    "--data-dir",
    "/d",
  ]);
  assert.equal(posting.job.postOnly, true);
  assert.equal(posting.job.mode, "stream");
  assert.equal(posting.flags.dataDir, "/d");
  assert.throws(() => parseEmulateArgs(["--post-only=yes"]), TypeError);
});

Deno.test("parseEmulateArgs: a bad --api, a --concurrency past 1000 and a --seed past 32 bits name the flag and what is allowed", () => {
  const refused = (args: string[], message: string) =>
    assert.throws(
      () => parseEmulateArgs(args),
      (e: unknown) => e instanceof ConfigError && e.message === message,
    );
  // Refused here, before the job seeds the source or opens the log.
  refused(
    ["--api", "notaurl"],
    'Invalid setting --api="notaurl": must be an http(s) URL like http://127.0.0.1:8080',
  );
  refused(
    ["--api", "ftp://h/"],
    'Invalid setting --api="ftp://h/": must be an http(s) URL like http://127.0.0.1:8080',
  );
  // The routes are added to the URL's path: after a query or a fragment they went to the
  // base's path (POST /prod with a fragment, ?k=v/topics/... with a query) and every record
  // failed with an answer that did not say why.
  refused(
    ["--api", "https://x.example/prod?stage=1"],
    'Invalid setting --api="https://x.example/prod?stage=1": must be a base URL without ?query or #fragment (the routes /topics/... and /streams/... are added to its path)',
  );
  refused(
    ["--api", "https://x.example/prod#top"],
    'Invalid setting --api="https://x.example/prod#top": must be a base URL without ?query or #fragment (the routes /topics/... and /streams/... are added to its path)',
  );
  // The value is shown without its password.
  refused(
    ["--api", "https://u:secret@x.example/?a"],
    'Invalid setting --api="https://u@x.example/?a": must be a base URL without ?query or #fragment (the routes /topics/... and /streams/... are added to its path)',
  );
  // Sent as a header: fetch refused a key outside Latin-1 on every attempt (retried as a
  // network error, 4 times a record) and trimmed one with spaces around it to another key.
  for (const key of ["ключ", " k1", "k1\t", "a\nb"]) {
    refused(
      ["--api-key", key],
      `Invalid setting --api-key=${
        JSON.stringify(key)
      }: must be printable ASCII without spaces around it (it is sent as the x-api-key header)`,
    );
  }
  // One worker per post in flight: a billion of them ran the process out of memory.
  refused(
    ["--concurrency", "1001"],
    'Invalid setting --concurrency="1001": must be a whole number from 1 to 1000',
  );
  refused(
    ["--concurrency", "0"],
    'Invalid setting --concurrency="0": must be a whole number from 1 to 1000',
  );
  // Past 2^53 a count no longer counts one by one (1e20 + 1 === 1e20).
  refused(
    ["--count", "1e20"],
    'Invalid setting --count="1e20": must be a whole number from 0 to 9007199254740991',
  );
  // The row picks use the seed's low 32 bits: 4294967296 would repeat seed 0's picks.
  refused(
    ["--seed", "4294967296"],
    'Invalid setting --seed="4294967296": must be a whole number from 0 to 4294967295',
  );
  const ok = parseEmulateArgs([
    "--api",
    "https://abc.execute-api.us-east-1.amazonaws.com/prod",
    "--concurrency",
    "1000",
    "--seed",
    "4294967295",
  ]).job;
  assert.deepEqual([ok.api, ok.concurrency, ok.randomSeed], [
    "https://abc.execute-api.us-east-1.amazonaws.com/prod",
    1000,
    4294967295,
  ]);
});
