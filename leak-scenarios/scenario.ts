import type { Router } from 'express';

/** Which build of a scenario runs: the bug as shipped, or the build with the fix. */
export type Variant = 'leaky' | 'fixed';
export const VARIANTS: readonly Variant[] = ['leaky', 'fixed'];

/** What one switched-on scenario adds to the running app, and how to take it out again. */
export interface ScenarioInstance {
  /** Mounted in front of the shop's routes; it hooks real request handling and calls next(). */
  readonly router: Router;
  /** Frees what the instance holds (timers, listeners, stores) when it is switched off or replaced. */
  dispose(): void;
}

/**
 * One leak scenario: one file in leak-scenarios/, registered in leak-scenarios/index.ts.
 * The leaky and the fixed code live in the same file between `// region: leaky` / `// region: fixed`
 * and `// endregion` markers, so that a postmortem can quote them side by side without retyping.
 */
export interface LeakScenario {
  /** kebab-case, unique; the name users pass to --scenario. */
  readonly name: string;
  /** A few words for lists. */
  readonly title: string;
  /** One line: what the developer meant to do. */
  readonly story: string;
  /** Two or three sentences: why memory grows. */
  readonly rootCause: string;
  /** Two or three sentences: what the fixed variant does instead. */
  readonly fix: string;
  /** Where the leak lives, so a diagnosis can be checked against it. */
  readonly leak: {
    /** Repository-relative path of the file that holds the leaking reference. */
    readonly file: string;
    /** The variable or property a developer would grep for. */
    readonly identifier: string;
  };
  /** The shop routes this scenario hooks into (the load mix exercises all of them). */
  readonly routes: readonly string[];
  /** True for a scenario whose heap also holds a big healthy cache, so the biggest thing is the wrong answer. */
  readonly noisy?: boolean;
  create(variant: Variant): ScenarioInstance;
}
