/**
 * A tiny structured logger shared by every stage. Stages take a `logger` option so that
 * CLIs print progress while tests stay quiet.
 *
 * @module
 */

/**
 * Extra fields printed after a message.
 *
 * @example
 * ```ts
 * import { consoleLogger, type LogContext } from "./logger.ts";
 * const context: LogContext = { topic: "pinterest.pin", partition: 0, records: 500 };
 * consoleLogger.info("sink flushed", context);
 * // on stderr: 07:54:26.246 INFO  sink flushed {"topic":"pinterest.pin","partition":0,"records":500}
 * ```
 */
export type LogContext = Record<string, unknown>;

/**
 * Where stages report progress and problems.
 *
 * @example
 * ```ts
 * import { consoleLogger } from "./logger.ts";
 * consoleLogger.info("sink flushed", { topic: "pinterest.pin", records: 500 });
 * ```
 */
export interface Logger {
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
}

/** One log line: time, level, message and the context as JSON. */
function format(
  level: string,
  line: { message: string; context?: LogContext },
): string {
  const { message, context } = line;
  const time = new Date().toISOString().slice(11, 23);
  const fields = context && Object.keys(context).length > 0
    ? " " + JSON.stringify(context)
    : "";
  return `${time} ${level} ${message}${fields}`;
}

/**
 * Prints to stderr, one line per message, so stdout stays free for results (`--json`).
 *
 * @example
 * ```ts
 * import { consoleLogger } from "./logger.ts";
 * consoleLogger.warn("retrying", { attempt: 2 });
 * ```
 */
export const consoleLogger: Logger = {
  info: (m, c) => console.error(format("INFO ", { message: m, context: c })),
  warn: (m, c) => console.error(format("WARN ", { message: m, context: c })),
  error: (m, c) => console.error(format("ERROR", { message: m, context: c })),
};

/**
 * Drops every message; the default in tests and libraries.
 *
 * @example
 * ```ts
 * import { silentLogger } from "./logger.ts";
 * silentLogger.info("nobody sees this");
 * ```
 */
export const silentLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
};
