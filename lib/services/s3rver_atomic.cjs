// Runs s3rver's CLI (the pinned npm package) with atomic object writes, as real S3 has them.
//
// s3rver streams an upload straight into the object's final file and answers 200 before the
// file is complete, so a client killed mid-upload leaves a partial object that is listed and
// served. Here putObject reads the whole body first, checks it against Content-Length, writes
// a temp file, fsyncs it and renames it into place: an aborted upload stores nothing.
// Temp names end in ".tmp-*", which s3rver's listing (objects end in "._S3rver_object") skips.
//
// Usage: node --openssl-legacy-provider s3rver_atomic.cjs <s3rver CLI arguments>
"use strict";
const path = require("node:path");
const crypto = require("node:crypto");
const fs = require("node:fs/promises");

const s3rverDir = require("node:fs").realpathSync(
  path.join(__dirname, "../../node_modules/s3rver"),
);
const FilesystemStore = require(
  path.join(s3rverDir, "lib/stores/filesystem.js"),
);
const S3Error = require(path.join(s3rverDir, "lib/models/error.js"));

function readWhole(request) {
  if (Buffer.isBuffer(request)) return Promise.resolve(request);
  return new Promise((resolve, reject) => {
    const chunks = [];
    let ended = false;
    const cut = () =>
      new S3Error("IncompleteBody", "The request body was cut short");
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      ended = true;
      resolve(Buffer.concat(chunks));
    });
    request.on("error", reject);
    request.on("aborted", () => reject(cut()));
    request.on("close", () => {
      if (!ended) reject(cut());
    });
  });
}

FilesystemStore.prototype.putObject = async function putObjectAtomically(
  object,
) {
  const body = await readWhole(object.content);
  if (Number.isFinite(object.size) && body.length !== object.size) {
    throw new S3Error(
      "IncompleteBody",
      "You did not provide the number of bytes specified by the Content-Length HTTP header",
    );
  }
  const objectPath = this.getResourcePath(object.bucket, object.key, "object");
  await fs.mkdir(path.dirname(objectPath), { recursive: true });
  const md5 = crypto.createHash("md5").update(body).digest("hex");
  const temp = `${objectPath}.tmp-${process.pid}-${
    crypto.randomBytes(6).toString("hex")
  }`;
  const file = await fs.open(temp, "w");
  try {
    await file.writeFile(body);
    await file.sync();
  } finally {
    await file.close();
  }
  await this.putMetadata(object.bucket, object.key, object.metadata, md5);
  await fs.rename(temp, objectPath);
  return { size: body.length, md5 };
};

// s3rver's CLI parses process.argv, whose [1] is the script: this one stands for it. (Removing
// it instead made the CLI drop the first real argument, --silent, as the script's path.)
const cli = path.join(s3rverDir, "bin/s3rver.js");
process.argv[1] = cli;
require(cli);
