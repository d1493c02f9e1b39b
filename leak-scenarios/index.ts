import { labError } from '../lab/errors.ts';
import type { LeakScenario } from './scenario.ts';

/** Every scenario the lab knows. Adding one is adding its file and one line here. */
export const SCENARIOS: readonly LeakScenario[] = [];

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
