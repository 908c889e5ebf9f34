/**
 * A tiny structured logger shared by every stage. Stages take a `logger` option so that
 * CLIs print progress while tests stay quiet.
 *
 * @module
 */
import { terminalSafe } from "./metrics/terminal_text.ts";

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

/**
 * One log line: time, level, message and the context as JSON. Messages and context carry
 * errors and names that may echo the data (a source's or an API's text): every control
 * character and bidirectional override in them is written as an escape (`\u001b`, `\n`),
 * so a line stays one line and cannot drive the terminal.
 *
 * @example
 * ```ts
 * import { formatLogLine } from "./logger.ts";
 * console.log(formatLogLine("WARN ", { message: "bad \x1b[2J", context: { n: 1 } }).slice(13));
 * // WARN  bad \u001b[2J {"n":1}
 * ```
 */
export function formatLogLine(
  level: string,
  line: { message: string; context?: LogContext },
): string {
  const { message, context } = line;
  const time = new Date().toISOString().slice(11, 23);
  const fields = context && Object.keys(context).length > 0
    ? " " + JSON.stringify(context)
    : "";
  return terminalSafe(`${time} ${level} ${message}${fields}`);
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
  info: (m, c) =>
    console.error(formatLogLine("INFO ", { message: m, context: c })),
  warn: (m, c) =>
    console.error(formatLogLine("WARN ", { message: m, context: c })),
  error: (m, c) =>
    console.error(formatLogLine("ERROR", { message: m, context: c })),
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
