// Adapter for pino: the only module that imports it. Plain JSON lines, written through the
// given function (stderr for the commands), so stdout stays for what a command prints.
import { pino } from 'pino';
import type { Logger } from '../domain/ports.js';

export function createLogger(level: 'debug' | 'info' | 'warn' | 'error', write: (line: string) => void): Logger {
  const logger = pino({ level, base: { name: 'veille' } }, { write });
  return {
    debug: (fields, message) => logger.debug(fields, message),
    info: (fields, message) => logger.info(fields, message),
    warn: (fields, message) => logger.warn(fields, message),
    error: (fields, message) => logger.error(fields, message),
  };
}
