/**
 * kinesis-mock and s3rver run on Node.js. Without it, `deno run` puts a `node` first on PATH
 * that is Deno itself (~/.cache/deno/node_compat_bin): kinesis-mock then listened on every
 * interface (it ignores the loopback preload), and s3rver answered but failed to list more
 * than 1,000 objects ("Unknown cipher"). Start refuses that stand-in and says what to install.
 */
import assert from "node:assert/strict";
import { kinesisService } from "./kinesis.ts";
import { freePort } from "./process.ts";
import { s3Service } from "./s3.ts";
import type { Service } from "./service.ts";
import { startWithPath } from "./test_start_with_path.ts";

const cases: [string, Service, string, string][] = [
  ["kinesis", kinesisService, "./kinesis.ts", "kinesis-mock"],
  ["s3", s3Service, "./s3.ts", "s3rver"],
];

for (const [name, service, module, server] of cases) {
  Deno.test(`${name} service: without Node.js, start says to install it, not run on Deno's node stand-in`, async () => {
    const stateDir = await Deno.makeTempDir({ prefix: `${name}_no_node_` });
    // A PATH with a shell and a `node` that is Deno itself; set in a child process only, as
    // this process's PATH is that of the other test files running at once.
    await Deno.mkdir(`${stateDir}/bin`);
    await Deno.symlink("/bin/sh", `${stateDir}/bin/sh`);
    await Deno.symlink(Deno.execPath(), `${stateDir}/bin/node`);
    try {
      assert.deepEqual(
        await startWithPath(module, `${name}Service`, {
          path: `${stateDir}/bin`,
          options: { stateDir, port: freePort() },
        }),
        {
          outcome: "BackendError",
          message:
            `${name}: node is not installed (${server} runs on Node.js); install it ` +
            "with `apt-get install -y nodejs`, or put its bin folder on PATH",
        },
      );
      assert.deepEqual(await service.status({ stateDir }), { running: false });
    } finally {
      await service.stop({ stateDir });
      await Deno.remove(stateDir, { recursive: true });
    }
  });
}
