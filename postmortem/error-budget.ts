/**
 * The error budget an outage spent, request-based: its failed requests are turned into the time
 * of a full outage at the run's mean request rate, and compared with the SLO's budget for the window.
 */
export interface ErrorBudget {
  /** e.g. 0.999 */
  target: number;
  windowDays: number;
  /** (1 - target) x window. */
  budgetMs: number;
  failedRequests: number;
  meanRequestsPerSecond: number;
  /** failedRequests / meanRequestsPerSecond, in ms. */
  equivalentOutageMs: number;
  /** equivalentOutageMs / budgetMs. */
  spentShare: number;
}

/** Accepts 0.999 or 99.9 for a 99.9% target; null when the numbers cannot make a budget. */
export function errorBudget(target: unknown, windowDays: number, failedRequests: number, meanRequestsPerSecond: number): ErrorBudget | null {
  if (typeof target !== 'number' || !Number.isFinite(target)) return null;
  const ratio = target > 1 ? target / 100 : target;
  if (!(ratio > 0 && ratio < 1) || !(meanRequestsPerSecond > 0) || !Number.isFinite(failedRequests)) return null;
  const budgetMs = (1 - ratio) * windowDays * 86_400_000;
  const equivalentOutageMs = (failedRequests / meanRequestsPerSecond) * 1000;
  return {
    target: ratio,
    windowDays,
    budgetMs,
    failedRequests,
    meanRequestsPerSecond,
    equivalentOutageMs,
    spentShare: equivalentOutageMs / budgetMs,
  };
}
