// Adapter for pino: the only module that imports it. Written through the given function (stderr
// for the commands), so stdout stays for what a command prints: JSON lines for a log collector,
// or, for a person at a terminal, one readable line per event (time, level, message, fields).
import { pino } from 'pino';
import type { Logger } from '../domain/ports.js';

export type LogFormat = 'json' | 'text';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'text'];

export function createLogger(
  level: 'debug' | 'info' | 'warn' | 'error',
  write: (line: string) => void,
  format: LogFormat = 'json',
): Logger {
  const logger = pino({ level, base: { name: 'veille' } }, { write: format === 'json' ? write : (line: string) => write(readableLine(line)) });
  return {
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.info(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
  };
}

const LEVELS: Readonly<Record<number, string>> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Fields pino adds to every line, shown by the line's own layout instead. */
const LAYOUT_FIELDS = new Set(['level', 'time', 'name', 'msg', 'pid', 'hostname']);

/** "2026-12-06 22:20:30 WARN  message  source=https://… code=FETCH_DNS" from one JSON line of pino. */
export function readableLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(0, 19).replace('T', ' ') : '';
  const level = (LEVELS[typeof record.level === 'number' ? record.level : 30] ?? 'INFO').padEnd(5);
  const fields = Object.entries(record)
    .filter(([key, value]) => !LAYOUT_FIELDS.has(key) && value !== null && value !== undefined)
    .map(([key, value]) => `${key}=${fieldText(value)}`);
  const message = typeof record.msg === 'string' ? record.msg : '';
  return `${time} ${level} ${message}${fields.length > 0 ? `  ${fields.join(' ')}` : ''}\n`;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) || value === '' ? JSON.stringify(value) : value;
  if (typeof value === 'object' && value !== null && 'message' in value && typeof value.message === 'string') return JSON.stringify(value.message);
  return JSON.stringify(value);
}
