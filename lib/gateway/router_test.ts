import assert from "node:assert/strict";
import { allowedMethods, defineRoute, routeMethod } from "./router.ts";

const get = () => new Response("get");
const post = () => new Response("post");

Deno.test("routeMethod: only a route's own methods, and HEAD answered as GET", () => {
  const route = defineRoute("/topics/{topic}", { GET: get, POST: post });
  assert.equal(routeMethod(route, "GET"), get);
  assert.equal(routeMethod(route, "POST"), post);
  assert.equal(routeMethod(route, "HEAD"), get);
  for (
    const method of [
      "PUT",
      "get",
      "constructor",
      "toString",
      "valueOf",
      "hasOwnProperty",
      "__proto__",
      "__defineGetter__",
    ]
  ) {
    assert.equal(routeMethod(route, method), undefined, method);
  }
  const postOnly = defineRoute("/streams/{stream}/record", { PUT: post });
  assert.equal(routeMethod(postOnly, "HEAD"), undefined);
});

Deno.test("allowedMethods: the route's methods with HEAD after GET", () => {
  assert.deepEqual(
    allowedMethods(defineRoute("/t/{topic}", { GET: get, POST: post })),
    ["GET", "HEAD", "POST"],
  );
  assert.deepEqual(allowedMethods(defineRoute("/s", { PUT: post })), ["PUT"]);
});
