/**
 * The MySQL source against tables shaped as a user's own RDS may hold them (not as `seedMysql`
 * creates them): `FLOAT` coordinates, `BIGINT`/`TINYINT` numbers, a latin1 table, emoji,
 * NULLs, a machine in another time zone, a zero date and a DATETIME(6). On a MariaDB of the test's own (`mysql_own_server.ts`).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { toCourseJson } from "./course_json.ts";
import { openMysqlSource } from "./mysql_source.ts";
import { ownMariadbMissing, withOwnMariadb } from "./mysql_own_server.ts";

const MODULE = fileURLToPath(new URL("./mysql_source.ts", import.meta.url));
const COURSE_JSON = fileURLToPath(new URL("./course_json.ts", import.meta.url));

const ignore = await ownMariadbMissing("mysql_course_schema_test");

/** Row 1's geo and user records as course JSON, read by a process whose `TZ` is `zone`. */
async function readInZone(url: string, zone: string): Promise<string> {
  const code = `
    import { openMysqlSource } from ${JSON.stringify(MODULE)};
    import { toCourseJson } from ${JSON.stringify(COURSE_JSON)};
    const source = await openMysqlSource(${JSON.stringify(url)});
    const { geo, user } = await source.readPost(1);
    await source.close();
    console.log(JSON.stringify(toCourseJson(geo)), JSON.stringify(toCourseJson(user)));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    env: { TZ: zone },
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success);
  return new TextDecoder().decode(out.stdout).trim();
}

const COURSE_TABLES = `
  CREATE TABLE pinterest_data (\`index\` BIGINT, unique_id VARCHAR(36), title VARCHAR(255),
    description TEXT, poster_name VARCHAR(255), follower_count VARCHAR(32), tag_list TEXT,
    is_image_or_video VARCHAR(32), image_src TEXT, downloaded TINYINT(1),
    save_location VARCHAR(255), category VARCHAR(64)) DEFAULT CHARSET=utf8mb4;
  CREATE TABLE geolocation_data (ind INT, \`timestamp\` DATETIME, latitude FLOAT,
    longitude FLOAT, country VARCHAR(255)) DEFAULT CHARSET=latin1;
  CREATE TABLE user_data (ind INT, first_name VARCHAR(64), last_name VARCHAR(64),
    age TINYINT, date_joined DATETIME) DEFAULT CHARSET=utf8mb4;
  INSERT INTO pinterest_data VALUES (7528, 'fbe53c66-3442-4773-b19e-d3ec6f54dddf',
    'Cosy cabin \u{1F3E1} ideas', 'No description available', NULL, '2k', 'N,o, ,T,a,g,s',
    'image', 'Image src error.', 0, 'Local save in /data/mens-fashion', 'mens-fashion');
  INSERT INTO geolocation_data VALUES (7528, '2020-08-28 03:52:47', -89.9787, -173.293,
    'Côte d''Ivoire'), (2863, '2020-04-27 13:34:16', 0.1, 71.4, 'Maldives');
  INSERT INTO user_data VALUES (7528, 'Abigail', 'Ali', 20, '2015-10-24 11:23:51'),
    (2863, 'Dylan', 'Holmes', 32, '2016-10-23 14:06:51');
  INSERT INTO pinterest_data SELECT 2863, unique_id, title, description, poster_name,
    follower_count, tag_list, is_image_or_video, image_src, 1, save_location, category
    FROM pinterest_data;
`;

Deno.test({
  name:
    "mysql course schema: FLOAT, BIGINT, TINYINT, latin1, emoji and NULL columns read as the course's emulator posts them",
  ignore,
  sanitizeResources: false,
  async fn() {
    await withOwnMariadb(async ({ url, asRoot }) => {
      await asRoot(COURSE_TABLES);
      const source = await openMysqlSource(url);
      try {
        assert.equal(await source.rowCount(), 2);
        const post = await source.readPost(0);
        assert.deepEqual(JSON.parse(JSON.stringify(toCourseJson(post.pin))), {
          index: 7528,
          unique_id: "fbe53c66-3442-4773-b19e-d3ec6f54dddf",
          title: "Cosy cabin \u{1F3E1} ideas",
          description: "No description available",
          poster_name: null,
          follower_count: "2k",
          tag_list: "N,o, ,T,a,g,s",
          is_image_or_video: "image",
          image_src: "Image src error.",
          downloaded: 0,
          save_location: "Local save in /data/mens-fashion",
          category: "mens-fashion",
        });
        // The course's pymysql reads FLOAT as the server prints it: -89.9787, not
        // -89.97869873046875 (the float32's exact value).
        assert.equal(
          JSON.stringify(toCourseJson(post.geo)),
          '{"ind":7528,"timestamp":"2020-08-28 03:52:47","latitude":-89.9787,"longitude":-173.293,"country":"Côte d\'Ivoire"}',
        );
        assert.equal(
          JSON.stringify(toCourseJson(post.user)),
          '{"ind":7528,"first_name":"Abigail","last_name":"Ali","age":20,"date_joined":"2015-10-24 11:23:51"}',
        );
        const second = await source.readPost(1);
        assert.equal(
          JSON.stringify(toCourseJson(second.geo)),
          '{"ind":2863,"timestamp":"2020-04-27 13:34:16","latitude":0.1,"longitude":71.4,"country":"Maldives"}',
        );
        assert.equal(second.pin.index, 2863);
      } finally {
        await source.close();
      }
      // A DATETIME comes out as written whatever the machine's time zone, even one that does
      // not exist there (New York skipped 02:00-03:00 on 2019-03-10).
      await asRoot(
        "UPDATE geolocation_data SET `timestamp` = '2019-03-10 02:30:00' WHERE ind = 2863",
      );
      assert.equal(
        await readInZone(url, "America/New_York"),
        '{"ind":2863,"timestamp":"2019-03-10 02:30:00","latitude":0.1,"longitude":71.4,"country":"Maldives"} ' +
          '{"ind":2863,"first_name":"Dylan","last_name":"Holmes","age":32,"date_joined":"2016-10-23 14:06:51"}',
      );
      // MySQL's zero date and a DATETIME(6)'s microseconds post as the database gives them
      // (they were 1899-11-30 00:00:00 and .123000).
      await asRoot(
        `SET SESSION sql_mode = '';
         UPDATE geolocation_data SET \`timestamp\` = '0000-00-00 00:00:00' WHERE ind = 7528;
         ALTER TABLE user_data MODIFY date_joined DATETIME(6);
         UPDATE user_data SET date_joined = '2015-10-24 11:23:51.123456' WHERE ind = 7528;`,
      );
      const again = await openMysqlSource(url);
      try {
        const { geo, user } = await again.readPost(0);
        assert.equal(
          JSON.stringify(toCourseJson(geo)),
          '{"ind":7528,"timestamp":"0000-00-00 00:00:00","latitude":-89.9787,"longitude":-173.293,"country":"Côte d\'Ivoire"}',
        );
        assert.equal(
          JSON.stringify(toCourseJson(user)),
          '{"ind":7528,"first_name":"Abigail","last_name":"Ali","age":20,"date_joined":"2015-10-24 11:23:51.123456"}',
        );
      } finally {
        await again.close();
      }
    });
  },
});
