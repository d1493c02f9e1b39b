import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import { userOf } from '../app/shop-routes.ts';
import type { LeakScenario, ScenarioInstance, Variant } from './scenario.ts';

interface RequestLog {
  append(line: string): void;
  /** The newest lines, oldest first: what the debug page shows. */
  tail(n: number): string[];
  clear(): void;
}

// region: leaky
// Module scope "so the admin debug page can show the recent log": appended to on every request, never trimmed.
const requestLogLines: string[] = [];

function createRequestLog(): RequestLog {
  return {
    append: (line) => void requestLogLines.push(line),
    tail: (n) => requestLogLines.slice(-n),
    clear: () => void (requestLogLines.length = 0),
  };
}
// endregion

// region: fixed
const LOG_RING_SIZE = 1000;

function createRingLog(): RequestLog {
  // A fixed-size ring: the newest line overwrites the oldest, so the log costs the same after a year as after a minute.
  const ring: (string | undefined)[] = new Array(LOG_RING_SIZE).fill(undefined);
  let written = 0;
  return {
    append(line) {
      ring[written % LOG_RING_SIZE] = line;
      written += 1;
    },
    tail(n) {
      const count = Math.min(n, written, LOG_RING_SIZE);
      return Array.from({ length: count }, (_, i) => ring[(written - count + i) % LOG_RING_SIZE]!);
    },
    clear() {
      ring.fill(undefined);
      written = 0;
    },
  };
}
// endregion

/** Twenty frames, so the trace reaches past the router's frames into the app's own code. */
function callerStack(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 22;
  const stack = new Error('caller').stack ?? '';
  Error.stackTraceLimit = limit;
  return stack.split('\n').slice(3).join('\n');
}

function pretty(payload: string): string {
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

function create(variant: Variant): ScenarioInstance {
  const log = variant === 'leaky' ? createRequestLog() : createRingLog();
  const router = express.Router();
  router.use('/api', (req: Request, res: Response, next: NextFunction) => {
    const startedAt = process.hrtime.bigint();
    const id = randomUUID();
    // Debug lines carry the caller's stack, as loggers with a "caller" option record it.
    const debug = (message: string) => log.append(`${new Date().toISOString()} DEBUG [${id}] ${message}\n${callerStack()}`);
    debug(`request ${req.method} ${req.originalUrl} headers=${JSON.stringify(req.headers, null, 2)}`);
    const send = res.send.bind(res);
    res.send = ((body: unknown) => {
      debug(`response ${res.statusCode} headers=${JSON.stringify(res.getHeaders(), null, 2)} body=${typeof body === 'string' ? pretty(body) : '<binary>'}`);
      return send(body);
    }) as Response['send'];
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
      log.append(`${new Date().toISOString()} INFO  [${id}] ${req.method} ${req.originalUrl} ${res.statusCode} ${ms.toFixed(1)} ms user=${userOf(req)}`);
    });
    next();
  });
  return { router, dispose: () => log.clear() };
}

export const requestLogArrayScenario: LeakScenario = {
  name: 'request-log-array',
  title: 'Module-level request log never trimmed',
  story: 'Keep the recent request log in memory so the admin debug page can show the last lines.',
  rootCause:
    'Every request appends an access line and two debug lines (headers, pretty-printed body, caller stack) to the module-level `requestLogLines` array, and nothing ever trims it. ' +
    'The debug page only reads the tail, so the array silently keeps the full history of the process.',
  fix:
    `The fixed build writes into a fixed-size ring buffer of ${LOG_RING_SIZE} lines that overwrites the oldest. ` +
    'The debug page still shows the recent tail, and the memory cost is constant.',
  leak: { file: 'leak-scenarios/request-log-array.ts', identifier: 'requestLogLines' },
  routes: ['GET /api/products/:id', 'GET /api/search', 'GET /api/cart', 'POST /api/cart/items', 'POST /api/checkout'],
  create,
};
