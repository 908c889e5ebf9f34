import assert from "node:assert/strict";
import { SourceNotFoundError } from "./errors.ts";

Deno.test("SourceNotFoundError: the seed command to copy names the source, for a file and for MySQL", () => {
  assert.equal(
    new SourceNotFoundError("data/src.db", "the file does not exist").message,
    "Source data/src.db: the file does not exist. Create it with `deno task seed` (or `deno task seed --source data/src.db`).",
  );
  assert.equal(
    new SourceNotFoundError(
      "mysql://pinterest@127.0.0.1:3306/shop",
      "the database lacks the table(s) user_data",
    ).message,
    "Source mysql://pinterest@127.0.0.1:3306/shop: the database lacks the table(s) user_data. " +
      "Create it with `deno task seed --source mysql://pinterest@127.0.0.1:3306/shop`, " +
      "the URL with its password if it has one (the local stack's MariaDB, `deno task services up`, is seeded when it starts).",
  );
  assert.match(
    new SourceNotFoundError("mariadb://u@db:3306/shop", "gone").message,
    /Create it with `deno task seed --source mariadb:\/\/u@db:3306\/shop`, the URL/,
  );
});
