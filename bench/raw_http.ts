/**
 * A minimal HTTP/1.1 keep-alive client for the load benchmarks: it writes a prepared
 * request and reads the status line, the headers and a `Content-Length` body straight
 * from a TCP connection. On a small machine the client shares the CPU with the server,
 * and `fetch` costs about as much CPU per request as the gateway itself; this client
 * costs a fraction of it, so the benchmark measures the server rather than the client.
 *
 * Connections are pooled: a request takes an idle connection or opens a new one and
 * gives it back after the full response was read, so N concurrent requests use N
 * connections. Responses must carry `Content-Length` (Deno.serve sets it for bodies it
 * knows in full, like the gateway's JSON answers).
 *
 * @module
 */

const encoder = new TextEncoder();

class Connection {
  #conn: Deno.TcpConn;
  #buf = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;
  reusable = true;

  constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Sends `request`, reads the whole response, resolves to its status. */
  async roundTrip(request: Uint8Array): Promise<number> {
    for (let at = 0; at < request.length;) {
      at += await this.#conn.write(request.subarray(at));
    }
    let headEnd: number;
    while ((headEnd = this.#headEnd()) < 0) await this.#fill();
    let head = "";
    for (let i = this.#start; i < headEnd; i++) {
      head += String.fromCharCode(this.#buf[i]);
    }
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) throw new Error(`no Content-Length in response: ${head}`);
    this.#start = headEnd + 4;
    // #fill may move the buffered bytes: count from #start, not absolute positions.
    const bodyLength = Number(length[1]);
    while (this.#end - this.#start < bodyLength) await this.#fill();
    this.#start += bodyLength;
    if (/\r\nconnection: *close/i.test(head)) this.reusable = false;
    return status;
  }

  close(): void {
    this.#conn.close();
  }

  #headEnd(): number {
    const b = this.#buf;
    for (let i = this.#start; i + 3 < this.#end; i++) {
      if (
        b[i] === 13 && b[i + 1] === 10 && b[i + 2] === 13 && b[i + 3] === 10
      ) {
        return i;
      }
    }
    return -1;
  }

  async #fill(): Promise<void> {
    if (this.#start === this.#end) this.#start = this.#end = 0;
    if (this.#end === this.#buf.length) {
      const bigger = new Uint8Array(this.#buf.length * 2);
      bigger.set(this.#buf.subarray(this.#start, this.#end));
      this.#end -= this.#start;
      this.#start = 0;
      this.#buf = bigger;
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    if (n === null) throw new Error("the server closed the connection");
    this.#end += n;
  }
}

/**
 * Sends one fixed request again and again over pooled keep-alive connections.
 *
 * @example
 * ```ts
 * import { RawHttpSender } from "./raw_http.ts";
 * const sender = new RawHttpSender("http://127.0.0.1:8080/healthz", { method: "GET" });
 * console.log(await sender.send()); // 200
 * sender.close();
 * ```
 */
export class RawHttpSender {
  #host: string;
  #port: number;
  #request: Uint8Array;
  #idle: Connection[] = [];

  constructor(
    url: string,
    init: { method: string; headers?: Record<string, string>; body?: string },
  ) {
    const u = new URL(url);
    if (u.protocol !== "http:") throw new Error(`only http:// URLs: ${url}`);
    this.#host = u.hostname.replace(/^\[|\]$/g, "");
    this.#port = Number(u.port || 80);
    const body = encoder.encode(init.body ?? "");
    const lines = [
      `${init.method} ${u.pathname}${u.search} HTTP/1.1`,
      `host: ${u.host}`,
      `content-length: ${body.length}`,
      ...Object.entries(init.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    ];
    const head = encoder.encode(lines.join("\r\n") + "\r\n\r\n");
    this.#request = new Uint8Array(head.length + body.length);
    this.#request.set(head);
    this.#request.set(body, head.length);
  }

  /** Sends the request once; resolves to the response status. */
  async send(): Promise<number> {
    const conn = this.#idle.pop() ??
      new Connection(
        await Deno.connect({ hostname: this.#host, port: this.#port }),
      );
    try {
      const status = await conn.roundTrip(this.#request);
      if (conn.reusable) this.#idle.push(conn);
      else conn.close();
      return status;
    } catch (error) {
      conn.close();
      throw error;
    }
  }

  /** Closes the idle connections. */
  close(): void {
    for (const conn of this.#idle.splice(0)) conn.close();
  }
}
