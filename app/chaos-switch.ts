import type { NextFunction, Request, Response } from 'express';
import { findScenario } from '../leak-scenarios/index.ts';
import type { LeakScenario, ScenarioInstance, Variant } from '../leak-scenarios/scenario.ts';

export type ChaosMode = Variant | 'off';

export interface ChaosState {
  scenario: string | null;
  mode: ChaosMode;
  since: string;
  switches: number;
}

/**
 * The chaos switch: which scenario is live, and in which build. Switching disposes the old
 * instance before the new one takes requests, so "off" really frees what a leak held.
 */
export class ChaosSwitch {
  #scenario: LeakScenario | null = null;
  #instance: ScenarioInstance | null = null;
  #mode: ChaosMode = 'off';
  #since = new Date().toISOString();
  #switches = 0;

  /** Throws LAB_ERR_UNKNOWN_SCENARIO (listing the valid names) before changing anything. */
  set(name: string | null, mode: ChaosMode): ChaosState {
    const next = mode === 'off' || name === null ? null : findScenario(name);
    this.#instance?.dispose();
    this.#instance = next ? next.create(mode as Variant) : null;
    this.#scenario = next;
    this.#mode = next ? mode : 'off';
    this.#since = new Date().toISOString();
    this.#switches += 1;
    return this.state();
  }

  state(): ChaosState {
    return { scenario: this.#scenario?.name ?? null, mode: this.#mode, since: this.#since, switches: this.#switches };
  }

  /** Hands each request to the live scenario's router, if any. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    const instance = this.#instance;
    if (!instance) {
      next();
      return;
    }
    instance.router(req, res, next);
  };

  dispose(): void {
    this.#instance?.dispose();
    this.#instance = null;
  }
}
