import type { UserOutcome, UserOutcomes } from './load-types.ts';

/** Per-user tallies: what "% of users affected" is computed from. */
export class UserOutcomeBook {
  readonly #users = new Map<string, UserOutcome>();
  #requests = 0;
  #failed = 0;

  record(user: string, failed: boolean, at: number): void {
    let entry = this.#users.get(user);
    if (!entry) {
      entry = { requests: 0, failures: 0, firstFailureAt: null };
      this.#users.set(user, entry);
    }
    entry.requests += 1;
    this.#requests += 1;
    if (failed) {
      entry.failures += 1;
      this.#failed += 1;
      entry.firstFailureAt ??= at;
    }
  }

  affected(): number {
    let n = 0;
    for (const entry of this.#users.values()) if (entry.failures > 0) n += 1;
    return n;
  }

  /** A copy: later requests do not change it. */
  snapshot(): UserOutcomes {
    const perUser: Record<string, UserOutcome> = {};
    for (const [user, entry] of this.#users) perUser[user] = { ...entry };
    return { users: this.#users.size, affected: this.affected(), requests: this.#requests, failed: this.#failed, perUser };
  }
}
