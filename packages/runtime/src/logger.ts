// The process logger: pino, JSON by default or one readable line per entry, with credentials redacted.
import { pino, type DestinationStream, type Logger } from 'pino';
import { redactLogLine } from './log-redaction.ts';

export type { Logger } from 'pino';

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof logLevels)[number];
export const logEncodings = ['json', 'console'] as const;
export type LogEncoding = (typeof logEncodings)[number];

export interface LoggerOptions {
  level?: LogLevel;
  encoding?: LogEncoding;
  /** Where lines go; stderr unless told, as controller-runtime does, so stdout stays free for output. */
  destination?: { write(line: string): unknown };
  /** Fields on every line, e.g. `{ controller: 'source-controller' }`. */
  base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const sink = options.destination ?? process.stderr;
  const destination: DestinationStream =
    options.encoding === 'console' ? consoleLineStream(sink) : { write: (line: string) => void sink.write(line) };
  return pino(
    {
      level,
      base: options.base ?? null,
      messageKey: 'msg',
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      // On the finished line, so messages, fields and child bindings at any depth all pass through it.
      hooks: { streamWrite: redactLogLine },
    },
    destination,
  );
}

/** A logger that drops everything, for tests and library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

const levelLabels: Record<string, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
  fatal: 'FATAL',
};

/** Turns pino's JSON lines into `ts LEVEL msg key=value ...` for a person at a terminal. */
function consoleLineStream(sink: { write(line: string): unknown }): DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        sink.write(line);
        return;
      }
      const { ts, level, msg, err, ...fields } = entry;
      const parts = [String(ts ?? ''), levelLabels[String(level)] ?? String(level).toUpperCase(), String(msg ?? '')];
      for (const [key, value] of Object.entries(fields)) {
        parts.push(`${key}=${typeof value === 'string' ? quoteIfNeeded(value) : JSON.stringify(value)}`);
      }
      let text = parts.join(' ');
      if (err && typeof err === 'object') {
        const { message, stack } = err as { message?: string; stack?: string };
        text += ` error=${quoteIfNeeded(message ?? '')}`;
        if (stack) text += `\n${stack}`;
      }
      sink.write(`${text}\n`);
    },
  };
}

function quoteIfNeeded(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}
