/**
 * A private Kafka broker for tests of the client's TLS and SASL settings: one KRaft node
 * with a SASL_SSL listener (SCRAM-SHA-512) and a plaintext one, on free ports of 127.0.0.1,
 * with a CA and a broker certificate made by `openssl` in the test's own folder, and the
 * SCRAM users created when the storage is formatted. Stopped by its PID.
 *
 * @module
 */
import { openKafkaLog } from "../adapters/kafka/mod.ts";
import {
  brokerProperties,
  clusterId,
  log4jProperties,
} from "../services/kafka_config.ts";
import {
  DEFAULT_KAFKA_CACHE_DIR,
  ensureKafkaJars,
  KAFKA_VERSION,
} from "../services/kafka_jars.ts";
import {
  canConnect,
  findOnPath,
  freePort,
  isAlive,
  spawnDetached,
  stopPid,
} from "../services/process.ts";
import { sleep } from "../sleep.ts";

/**
 * A running secure broker; `await using` stops it.
 *
 * @example
 * ```ts
 * import { startSecureKafka } from "./test_secure_kafka.ts";
 * await using kafka = await startSecureKafka({ dir: await Deno.makeTempDir() });
 * console.log(kafka.brokers, kafka.user); // ["127.0.0.1:40123"] "pipeline"
 * ```
 */
export interface SecureKafka extends AsyncDisposable {
  /** The SASL_SSL listener, `127.0.0.1:port`. */
  brokers: string[];
  /** The PLAINTEXT listener (no TLS, no SASL), `127.0.0.1:port`. */
  plaintextBrokers: string[];
  /** PEM file of the CA that signed the broker's certificate. */
  caFile: string;
  /** PEM file of another CA, which signed nothing the broker has. */
  otherCaFile: string;
  /** The SCRAM-SHA-512 user for clients, and its password. */
  user: string;
  password: string;
  /** The broker's JVM. */
  pid: number;
}

/**
 * What the broker needs that this machine lacks (`java`, `openssl`, the jars or `mvn` to
 * fetch them); empty when it can run.
 *
 * @example
 * ```ts
 * import { secureKafkaMissing } from "./test_secure_kafka.ts";
 * console.log(await secureKafkaMissing()); // [] where Java 17, openssl and the jars are
 * ```
 */
export async function secureKafkaMissing(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of ["java", "openssl"]) {
    if (await findOnPath(tool) === undefined) missing.push(tool);
  }
  const marker = `${DEFAULT_KAFKA_CACHE_DIR}/libs/.complete-${KAFKA_VERSION}`;
  const jars = await Deno.stat(marker).then(() => true, () => false);
  if (!jars && await findOnPath("mvn") === undefined) {
    missing.push("the Kafka jars (and mvn to fetch them)");
  }
  return missing;
}

/** Runs `cmd args...` in `cwd`; throws with its output when it fails. */
async function run(cwd: string, cmd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const d = new TextDecoder();
    throw new Error(
      `${cmd} ${args.join(" ")} failed: ${d.decode(out.stderr)}${
        d.decode(out.stdout)
      }`,
    );
  }
}

/** A CA, a second CA and a broker key and certificate (SAN 127.0.0.1) signed by the first. */
async function makeCertificates(dir: string): Promise<void> {
  const ca = (name: string) =>
    run(dir, "openssl", [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
      ...["-keyout", `${name}.key`, "-out", `${name}.pem`],
      ...["-subj", `/CN=pinterest-pipeline test ${name}`],
    ]);
  await ca("ca");
  await ca("other-ca");
  await run(dir, "openssl", [
    ...["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1"],
    ...["-keyout", "broker.key", "-out", "broker.csr"],
  ]);
  await Deno.writeTextFile(
    `${dir}/san.cnf`,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
  );
  await run(dir, "openssl", [
    ...["x509", "-req", "-in", "broker.csr", "-days", "2", "-CA", "ca.pem"],
    ...["-CAkey", "ca.key", "-CAcreateserial", "-out", "broker.pem"],
    ...["-extfile", "san.cnf"],
  ]);
  await run(dir, "openssl", [
    ...["pkcs12", "-export", "-in", "broker.pem", "-inkey", "broker.key"],
    ...["-certfile", "ca.pem", "-name", "broker", "-out", "broker.p12"],
    ...["-passout", "pass:keystore-pw"],
  ]);
}

/**
 * `server.properties`: the local stack's, with a SASL_SSL listener (SCRAM-SHA-512), used
 * between brokers too, and a plaintext one.
 */
function secureProperties(
  dir: string,
  ports: { port: number; controllerPort: number; plainPort: number },
): string {
  const { port, controllerPort, plainPort } = ports;
  const jaas = "org.apache.kafka.common.security.scram.ScramLoginModule " +
    'required username="broker" password="broker-pw";';
  // Java properties: a key given again takes the later value.
  return brokerProperties({ dataDir: `${dir}/data`, port, controllerPort }) +
    [
      `listeners=SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},` +
      `PLAINTEXT://127.0.0.1:${plainPort}`,
      `advertised.listeners=SASL_SSL://127.0.0.1:${port},PLAINTEXT://127.0.0.1:${plainPort}`,
      "inter.broker.listener.name=SASL_SSL",
      "listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
      "sasl.enabled.mechanisms=SCRAM-SHA-512",
      "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
      `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${jaas}`,
      "ssl.keystore.type=PKCS12",
      `ssl.keystore.location=${dir}/broker.p12`,
      "ssl.keystore.password=keystore-pw",
      "ssl.key.password=keystore-pw",
      "ssl.truststore.type=PEM",
      `ssl.truststore.location=${dir}/ca.pem`,
      "",
    ].join("\n");
}

/**
 * Makes the certificates, formats the storage with the SCRAM users, starts the broker and
 * waits (up to 60 s) until it answers a SASL_SSL client.
 *
 * @example
 * ```ts
 * import { startSecureKafka } from "./test_secure_kafka.ts";
 * const kafka = await startSecureKafka({ dir: await Deno.makeTempDir() });
 * await kafka[Symbol.asyncDispose]();
 * ```
 */
export async function startSecureKafka(
  options: { dir: string },
): Promise<SecureKafka> {
  const dir = await Deno.realPath(options.dir);
  const java = (await findOnPath("java")) ?? "java";
  const libs = await ensureKafkaJars();
  await makeCertificates(dir);
  const port = freePort();
  const controllerPort = freePort();
  const plainPort = freePort();
  const props = `${dir}/server.properties`;
  await Deno.writeTextFile(
    props,
    secureProperties(dir, { port, controllerPort, plainPort }),
  );
  await Deno.writeTextFile(
    `${dir}/log4j.properties`,
    log4jProperties(`${dir}/server.log`),
  );
  const jvm = [
    ...["-Xmx256m", "-XX:+UseSerialGC", "-cp", `${libs}/*`],
    `-Dlog4j.configuration=file:${dir}/log4j.properties`,
  ];
  const [user, password] = ["pipeline", "pipeline-Pa55word"];
  await run(dir, java, [
    ...jvm,
    ...["kafka.tools.StorageTool", "format", "-t", clusterId(), "-c", props],
    ...["--add-scram", "SCRAM-SHA-512=[name=broker,password=broker-pw]"],
    ...["--add-scram", `SCRAM-SHA-512=[name=${user},password=${password}]`],
  ]);
  const pid = spawnDetached(java, [...jvm, "kafka.Kafka", props], {
    logFile: `${dir}/kafka.out`,
  });
  const kafka: SecureKafka = {
    brokers: [`127.0.0.1:${port}`],
    plaintextBrokers: [`127.0.0.1:${plainPort}`],
    caFile: `${dir}/ca.pem`,
    otherCaFile: `${dir}/other-ca.pem`,
    user,
    password,
    pid,
    async [Symbol.asyncDispose]() {
      await stopPid(pid, { timeoutMs: 10_000, marker: props });
    },
  };
  try {
    await waitUntilAnswering(kafka, `${dir}/kafka.out`);
    return kafka;
  } catch (e) {
    await kafka[Symbol.asyncDispose]();
    throw e;
  }
}

/** Polls until a client with the right settings lists the topics. */
async function waitUntilAnswering(
  kafka: SecureKafka,
  logFile: string,
): Promise<void> {
  const ca = await Deno.readTextFile(kafka.caFile);
  const [host, port] = kafka.brokers[0].split(":");
  const deadline = Date.now() + 60_000;
  let last: unknown = "it never listened";
  while (Date.now() < deadline) {
    if (!(await isAlive(kafka.pid))) break;
    if (await canConnect(host, Number(port))) {
      try {
        const log = await openKafkaLog({
          brokers: kafka.brokers,
          ssl: { ca },
          sasl: {
            mechanism: "scram-sha-512",
            username: kafka.user,
            password: kafka.password,
          },
          connectionTimeoutMs: 2000,
        });
        await log.listTopics().finally(() => log.close());
        return;
      } catch (e) {
        last = e;
      }
    }
    await sleep(250);
  }
  const out = await Deno.readTextFile(logFile).catch(() => "");
  throw new Error(
    `the SASL_SSL broker did not answer (${String(last)}); its output: ${
      out.slice(-1500)
    }`,
  );
}
