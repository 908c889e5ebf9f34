/**
 * kinesis-mock and s3rver run on Node.js. Without it, `deno run` puts a `node` first on PATH
 * that is Deno itself (~/.cache/deno/node_compat_bin): kinesis-mock then listened on every
 * interface (it ignores the loopback preload), and s3rver answered but failed to list more
 * than 1,000 objects ("Unknown cipher"). Start refuses that stand-in and says what to install.
 */
import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import { kinesisService } from "./kinesis.ts";
import { freePort } from "./process.ts";
import { s3Service } from "./s3.ts";
import type { Service } from "./service.ts";

const cases: [string, Service, string][] = [
  ["kinesis", kinesisService, "kinesis-mock"],
  ["s3", s3Service, "s3rver"],
];

for (const [name, service, server] of cases) {
  Deno.test(`${name} service: without Node.js, start says to install it, not run on Deno's node stand-in`, async () => {
    const stateDir = await Deno.makeTempDir({ prefix: `${name}_no_node_` });
    // A PATH with a shell and a `node` that is Deno itself.
    await Deno.mkdir(`${stateDir}/bin`);
    await Deno.symlink("/bin/sh", `${stateDir}/bin/sh`);
    await Deno.symlink(Deno.execPath(), `${stateDir}/bin/node`);
    const path = Deno.env.get("PATH");
    Deno.env.set("PATH", `${stateDir}/bin`);
    try {
      await assert.rejects(
        service.start({ stateDir, port: freePort() }),
        (e) =>
          e instanceof BackendError &&
          e.message ===
            `${name}: node is not installed (${server} runs on Node.js); install it with ` +
              "`apt-get install -y nodejs`, or put its bin folder on PATH",
      );
      assert.deepEqual(await service.status({ stateDir }), { running: false });
    } finally {
      Deno.env.set("PATH", path!);
      await service.stop({ stateDir });
      await Deno.remove(stateDir, { recursive: true });
    }
  });
}
