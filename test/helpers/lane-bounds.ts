/**
 * Bounds on what the analysis lane's tests wait for. The lane runs two files at a time at the
 * least CPU priority (test/run-lanes.ts, vitest.config.ts): beside the apps lane's leak check, a
 * child that takes 2 s alone can wait minutes for a core (a diagnose CLI test of three runs took
 * 62 s there, past the 60 s it had). A hung child is still cut off.
 */
export const CHILD_TIMEOUT_MS = 240_000;
/** The analysis project's own test bound (vitest.config.ts), for files the solo lane runs too. */
export const TEST_TIMEOUT_MS = 300_000;
