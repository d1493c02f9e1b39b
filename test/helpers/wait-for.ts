/**
 * Waits for a condition with a hard upper bound; on timeout the error says what was seen,
 * so a failing CI log explains itself.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, opts: { timeoutMs: number; everyMs?: number; seen?: () => string }): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${opts.timeoutMs} ms waiting for ${what}${opts.seen ? `; seen: ${opts.seen()}` : ''}`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 50));
  }
}
