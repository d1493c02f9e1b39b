import { labError } from '../lab/errors.ts';
import { ajvCompilePerRequestScenario } from './ajv-compile-per-request.ts';
import { auditRetryQueueScenario } from './audit-retry-queue.ts';
import { cartKeepaliveTimerScenario } from './cart-keepalive-timer.ts';
import { inflightQuoteMapScenario } from './inflight-quote-map.ts';
import { noisyLatencyStatsScenario } from './noisy-latency-stats.ts';
import { priceBusListenerScenario } from './price-bus-listener.ts';
import { requestLogArrayScenario } from './request-log-array.ts';
import type { LeakScenario } from './scenario.ts';
import { sessionMemoryStoreScenario } from './session-memory-store.ts';
import { unboundedResponseCacheScenario } from './unbounded-response-cache.ts';

/** Every scenario the lab knows. Adding one is adding its file and one line here. */
export const SCENARIOS: readonly LeakScenario[] = [
  unboundedResponseCacheScenario,
  priceBusListenerScenario,
  cartKeepaliveTimerScenario,
  auditRetryQueueScenario,
  sessionMemoryStoreScenario,
  inflightQuoteMapScenario,
  requestLogArrayScenario,
  ajvCompilePerRequestScenario,
  noisyLatencyStatsScenario,
];

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

export function findScenario(name: string): LeakScenario {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) {
    throw labError('LAB_ERR_UNKNOWN_SCENARIO', `unknown scenario "${name}"; valid names: ${scenarioNames().join(', ')}`);
  }
  return scenario;
}
