import { pino, type Logger } from 'pino';
import { currentContext } from './context.ts';

export type { Logger };

export interface LogOptions {
  level?: string;
  pretty?: boolean;
}

/** JSON logs (pretty on a terminal), each line stamped with the request id of the work it belongs to. */
export const createLogger = ({ level = 'info', pretty = false }: LogOptions = {}): Logger =>
  pino({
    level,
    base: undefined,
    mixin: () => {
      const context = currentContext();
      return context ? { request_id: context.requestId } : {};
    },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l', singleLine: true },
          },
        }
      : {}),
  });
