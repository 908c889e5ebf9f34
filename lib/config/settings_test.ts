import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { loadConfig, PROFILES } from "./settings.ts";

Deno.test("embedded defaults need no environment", () => {
  const config = loadConfig({}, { env: {} });
  assert.deepEqual(config, {
    profile: "embedded",
    dataDir: ".data",
    prefix: "pinterest",
    sourceUrl: ".data/source.db",
    kafkaBrokers: [],
    kafkaSsl: false,
    kafkaSslCa: "",
    kafkaSaslMechanism: "",
    kafkaSaslUsername: "",
    kafkaSaslPassword: "",
    kinesisEndpoint: "",
    s3Endpoint: "",
    s3Bucket: "",
    awsRegion: "us-east-1",
    apiKeys: [],
  });
});

Deno.test("local profile points at the local stack", () => {
  const config = loadConfig({ profile: "local" }, { env: {} });
  assert.deepEqual(config.kafkaBrokers, ["127.0.0.1:9092"]);
  assert.equal(config.kinesisEndpoint, "http://127.0.0.1:4567");
  assert.equal(config.s3Endpoint, "http://127.0.0.1:4569");
  assert.equal(config.s3Bucket, "pinterest-lake");
  assert.equal(
    config.sourceUrl,
    "mysql://pinterest:pinterest@127.0.0.1:3306/pinterest",
  );
});

Deno.test("flags beat environment, environment beats defaults", () => {
  const env = {
    DATA_DIR: "/env",
    PIPELINE_PREFIX: "envp",
    GATEWAY_API_KEYS: "a, b,,c",
  };
  const config = loadConfig({ dataDir: "/flag" }, { env });
  assert.equal(config.dataDir, "/flag");
  assert.equal(config.sourceUrl, "/flag/source.db");
  assert.equal(config.prefix, "envp");
  assert.deepEqual(config.apiKeys, ["a", "b", "c"]);
});

Deno.test("errors name the bad setting", () => {
  const cases: [
    Parameters<typeof loadConfig>[0],
    Record<string, string>,
    string,
  ][] = [
    [
      { profile: "cloudy" },
      {},
      'PIPELINE_PROFILE (--profile)="cloudy": must be one of embedded, local, aws',
    ],
    [
      { prefix: "a b" },
      {},
      `PIPELINE_PREFIX (--prefix)="a b": use 1-100 letters, digits, '_' or '-'`,
    ],
    [
      { profile: "local" },
      { KAFKA_BROKERS: "b1:9092,nohost" },
      'KAFKA_BROKERS="nohost": each broker is host:port',
    ],
    // kafkajs splits a broker at ':', so an IPv6 address cannot be given.
    [
      { profile: "local" },
      { KAFKA_BROKERS: "[::1]:9092" },
      'KAFKA_BROKERS="[::1]:9092": each broker is host:port, and the Kafka client takes no IPv6 address; give a host name that resolves to it (an /etc/hosts line, say)',
    ],
    // A port past 65535 passed, and the sink failed later, exit 1, on kafkajs' own check.
    [
      { profile: "local" },
      { KAFKA_BROKERS: "127.0.0.1:99999" },
      'KAFKA_BROKERS="127.0.0.1:99999": the port must be 1-65535',
    ],
    [
      { profile: "local" },
      { S3_BUCKET: "Bad_Bucket" },
      `S3_BUCKET="Bad_Bucket": 3-63 lowercase letters, digits, '.' or '-'`,
    ],
    [
      { profile: "local" },
      { KINESIS_ENDPOINT: "ftp://x" },
      'KINESIS_ENDPOINT="ftp://x": protocol must be one of http:, https:',
    ],
    [
      { source: "postgres://x/y" },
      {},
      'SOURCE_URL (--source)="postgres://x/y": protocol must be one of mysql:',
    ],
    // The example was Kinesis' endpoint for every URL setting.
    [
      { profile: "local" },
      { S3_ENDPOINT: "notaurl" },
      'S3_ENDPOINT="notaurl": not a URL; expected e.g. http://127.0.0.1:4569',
    ],
    [
      { profile: "local" },
      { KINESIS_ENDPOINT: "notaurl" },
      'KINESIS_ENDPOINT="notaurl": not a URL; expected e.g. http://127.0.0.1:4567',
    ],
    [
      { source: "mysql://[x" },
      {},
      'SOURCE_URL (--source)="mysql://[x": not a URL; expected e.g. mysql://pinterest:pinterest@127.0.0.1:3306/pinterest',
    ],
  ];
  for (const [flags, env, message] of cases) {
    assert.throws(
      () => loadConfig(flags, { env }),
      (e: unknown) =>
        e instanceof ConfigError && e.message === `Invalid setting ${message}`,
      message,
    );
  }
});

Deno.test("the embedded profile does not check the endpoints it does not use, as it does not check KAFKA_BROKERS", () => {
  // S3_ENDPOINT=localhost:4566 left in the shell for another tool stopped every embedded task.
  const env = {
    S3_ENDPOINT: "localhost:4566",
    KINESIS_ENDPOINT: "nope",
    KAFKA_BROKERS: "nohost",
  };
  const config = loadConfig({}, { env });
  assert.deepEqual(
    [config.profile, config.s3Endpoint, config.kinesisEndpoint],
    ["embedded", "localhost:4566", "nope"],
  );
  assert.throws(
    () =>
      loadConfig({ profile: "local" }, {
        env: { S3_ENDPOINT: "localhost:4566" },
      }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting S3_ENDPOINT="localhost:4566": protocol must be one of http:, https:',
  );
});

Deno.test("an empty SOURCE_URL or --source is refused where the profile has a source default, naming the default", () => {
  // It was taken for the aws profile's unset source: 'required for the embedded profile:
  // mysql://...', and only once a task opened the source.
  const refused = (
    flags: Parameters<typeof loadConfig>[0],
    env: Record<string, string>,
    message: string,
  ) =>
    assert.throws(
      () => loadConfig(flags, { env }),
      (e: unknown) => e instanceof ConfigError && e.message === message,
    );
  refused(
    { source: "" },
    {},
    'Invalid setting SOURCE_URL (--source)="": must not be empty: a SQLite path or a mysql:// URL (unset, the embedded profile takes .data/source.db)',
  );
  refused(
    { dataDir: "/d" },
    { SOURCE_URL: "" },
    'Invalid setting SOURCE_URL (--source)="": must not be empty: a SQLite path or a mysql:// URL (unset, the embedded profile takes /d/source.db)',
  );
  refused(
    { profile: "local" },
    { SOURCE_URL: " " },
    'Invalid setting SOURCE_URL (--source)="": must not be empty: a SQLite path or a mysql:// URL (unset, the local profile takes mysql://pinterest:pinterest@127.0.0.1:3306/pinterest)',
  );
  // The aws profile has no default: the source is refused when a task opens it.
  assert.equal(
    loadConfig({ profile: "aws" }, { env: { SOURCE_URL: "" } }).sourceUrl,
    "",
  );
});

Deno.test("the aws profile loads with settings unset: the backend that needs one refuses to open", () => {
  const config = loadConfig({ profile: "aws" }, { env: {} });
  assert.deepEqual(
    [config.kafkaBrokers, config.s3Bucket, config.sourceUrl],
    [[], "", ""],
  );
  // The embedded profile does not read Kafka or S3 settings, so it does not check them.
  const embedded = loadConfig({}, {
    env: { KAFKA_BROKERS: "nohost", S3_BUCKET: "Bad_Bucket" },
  });
  assert.equal(embedded.profile, "embedded");
});

Deno.test("an empty or malformed AWS_REGION is refused for the profiles that use it, naming it", () => {
  // Empty, it reached the AWS SDK, which stopped the task with an uncaught 'Region is
  // missing' and its stack trace; malformed, the lake was 'not usable (Region not
  // accepted ...): check S3_ENDPOINT, the credentials', exit 1, without naming AWS_REGION.
  for (const profile of ["local", "aws"]) {
    for (const region of [" ", "us east 1", "-x", "eu/west"]) {
      assert.throws(
        () => loadConfig({ profile }, { env: { AWS_REGION: region } }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message ===
            `Invalid setting AWS_REGION="${region.trim()}": must be a region name such as us-east-1: 1-63 letters, digits or '-', '-' neither first nor last (unset, us-east-1)`,
        region,
      );
    }
  }
  // The embedded profile does not use it.
  assert.equal(loadConfig({}, { env: { AWS_REGION: "" } }).awsRegion, "");
});

Deno.test("a URL setting refused is shown without its password, in the message, the context and the cause", () => {
  // The ConfigError echoed the whole value: SOURCE_URL=postgres://u:s3cret@h/db printed
  // `Invalid setting SOURCE_URL (--source)="postgres://u:s3cret@h/db": ...` on stderr.
  const cases: [
    Parameters<typeof loadConfig>[0],
    Record<string, string>,
    string,
  ][] = [
    [
      { source: "postgres://u:s3cret@h/db" },
      {},
      'SOURCE_URL (--source)="postgres://u@h/db": protocol must be one of mysql:',
    ],
    [
      {},
      { SOURCE_URL: "postgres://u:p%40s3cret@h:5432/db" },
      'SOURCE_URL (--source)="postgres://u@h:5432/db": protocol must be one of mysql:',
    ],
    // Not a URL (an unclosed IPv6 bracket), the password holding an unencoded '@'.
    [
      { source: "mysql://u:p@s3cret@[::1/db" },
      {},
      'SOURCE_URL (--source)="mysql://u@[::1/db": not a URL; expected e.g. mysql://pinterest:pinterest@127.0.0.1:3306/pinterest',
    ],
    [
      { profile: "local" },
      { KINESIS_ENDPOINT: "http://key:s3cret@127.0.0.1:99999" },
      'KINESIS_ENDPOINT="http://key@127.0.0.1:99999": not a URL; expected e.g. http://127.0.0.1:4567',
    ],
    [
      { profile: "local" },
      { S3_ENDPOINT: "ftp://key:s3cret@h/" },
      'S3_ENDPOINT="ftp://key@h/": protocol must be one of http:, https:',
    ],
  ];
  for (const [flags, env, message] of cases) {
    assert.throws(
      () => loadConfig(flags, { env }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.message, `Invalid setting ${message}`);
        const shown = JSON.stringify([
          e.message,
          e.context,
          String(e.cause ?? ""),
        ]);
        assert.ok(!shown.includes("s3cret"), shown);
        return true;
      },
      message,
    );
  }
});

Deno.test("local: a Kafka, Kinesis or S3 setting set blank is refused at start, naming it, not taken as unset or as the AWS default", () => {
  // KINESIS_ENDPOINT= (or S3_ENDPOINT=) left blank sent the local profile to the real AWS
  // endpoints of the region; KAFKA_BROKERS= and S3_BUCKET= stopped a task only once it
  // opened that backend, as 'required for the local profile'.
  const cases: [Record<string, string>, string][] = [
    [
      { KINESIS_ENDPOINT: "" },
      'KINESIS_ENDPOINT="": must not be empty (unset, the local profile takes http://127.0.0.1:4567)',
    ],
    [
      { S3_ENDPOINT: "  " },
      'S3_ENDPOINT="": must not be empty (unset, the local profile takes http://127.0.0.1:4569)',
    ],
    [
      { KAFKA_BROKERS: " , " },
      'KAFKA_BROKERS=",": must not be empty (unset, the local profile takes 127.0.0.1:9092)',
    ],
    [
      { S3_BUCKET: "" },
      'S3_BUCKET="": must not be empty (unset, the local profile takes pinterest-lake)',
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig({ profile: "local" }, { env }),
      (e: unknown) =>
        e instanceof ConfigError && e.message === `Invalid setting ${message}`,
      message,
    );
  }
  // Where blank is what unset means (aws: the AWS default endpoints; a bucket and brokers
  // refused when opened), and where the setting is unused (embedded), blank is taken.
  const blank = {
    KINESIS_ENDPOINT: "",
    S3_ENDPOINT: " ",
    KAFKA_BROKERS: "",
    S3_BUCKET: "",
  };
  for (const profile of ["aws", "embedded"]) {
    const config = loadConfig({ profile }, { env: blank });
    assert.deepEqual(
      [
        config.kinesisEndpoint,
        config.s3Endpoint,
        config.kafkaBrokers,
        config.s3Bucket,
      ],
      ["", "", [], ""],
      profile,
    );
  }
});

Deno.test("a source that starts mysql: without '//' is refused, not taken for a SQLite path", () => {
  // --source mysql:/pinterest:pw@127.0.0.1:3306/pinterest (one slash) made `deno task seed`
  // write a SQLite file at ./mysql:/pinterest:pw@127.0.0.1:3306/pinterest, exit 0, and
  // print the password in the summary.
  for (const source of ["mysql:/u:s3cret@h:3306/db", "MySQL:u:s3cret@h/db"]) {
    assert.throws(
      () => loadConfig({ source }, { env: {} }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `Invalid setting SOURCE_URL (--source)="${
            source.replace(":s3cret", "")
          }": a MySQL source is a mysql:// URL, e.g. mysql://pinterest:pinterest@127.0.0.1:3306/pinterest`,
      source,
    );
  }
  // A SQLite path with a colon elsewhere is a path.
  assert.equal(
    loadConfig({ source: "/tmp/mysql:x.db" }, { env: {} }).sourceUrl,
    "/tmp/mysql:x.db",
  );
});

Deno.test("GATEWAY_API_KEYS set without a key is refused on every profile, not taken as an open gateway", () => {
  // GATEWAY_API_KEYS=$KEY with KEY unset in the shell ran the gateway open, without a word.
  for (const profile of PROFILES) {
    for (const keys of ["", " ", " , ,"]) {
      assert.throws(
        () => loadConfig({ profile }, { env: { GATEWAY_API_KEYS: keys } }),
        (e: unknown) =>
          e instanceof ConfigError &&
          e.message ===
            `Invalid setting GATEWAY_API_KEYS="${keys.trim()}": holds no key; give keys (k1,k2) to require x-api-key, or unset it for an open gateway`,
        `${profile} ${JSON.stringify(keys)}`,
      );
    }
    assert.deepEqual(loadConfig({ profile }, { env: {} }).apiKeys, []);
  }
});

Deno.test("a data root holding '$' gives the source below that very root", () => {
  // The default source was "{dataDir}/source.db".replace("{dataDir}", dataDir), where '$$',
  // '$&' or "$'" in the path are replacement patterns: DATA_DIR=/tmp/pay$$/data put the
  // source in /tmp/pay$/data, another folder than the data root.
  for (const dataDir of ["/tmp/pay$$/data", "/tmp/a$&b", "/tmp/x$'y"]) {
    const config = loadConfig({}, { env: { DATA_DIR: dataDir } });
    assert.deepEqual(
      [config.dataDir, config.sourceUrl],
      [dataDir, `${dataDir}/source.db`],
    );
  }
  // The refusal of an empty source names the same default.
  assert.throws(
    () => loadConfig({ dataDir: "/d$$", source: "" }, { env: {} }),
    (e: unknown) =>
      e instanceof ConfigError && e.message.endsWith("takes /d$$/source.db)"),
  );
});

Deno.test("a GATEWAY_API_KEYS key no client can send as x-api-key is refused, without showing the keys", () => {
  // GATEWAY_API_KEYS=ключ ran the gateway with a key fetch cannot send (not Latin-1) and a
  // server reads as other characters: every request got 403, and nothing said why.
  for (const keys of ["good-key,ключ", "good-key,tab\there"]) {
    assert.throws(
      () => loadConfig({}, { env: { GATEWAY_API_KEYS: keys } }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          "Invalid setting GATEWAY_API_KEYS: key 2 of 2 is not printable ASCII; a client sends it as the x-api-key header" &&
        !JSON.stringify(e.context).includes("good-key"),
      keys,
    );
  }
  assert.deepEqual(
    loadConfig({}, { env: { GATEWAY_API_KEYS: " a b , Zz-9_!~ " } }).apiKeys,
    ["a b", "Zz-9_!~"],
  );
});
