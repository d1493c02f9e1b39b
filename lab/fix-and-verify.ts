import type { LeakScenario } from '../leak-scenarios/scenario.ts';
import { isLabError } from './errors.ts';
import type { Incident } from './incident.ts';
import type { LoadSecond, VerifyData } from './run-files.ts';
import { verifyWindow } from './verify-window.ts';

export interface FixOptions {
  heapCapMb: number;
  verifySeconds: number;
  noiseBoundBytesPerSecond: number;
  /** The share of the window's requests that must succeed (the SLO's availability objective). */
  availabilityTarget: number;
  /** Bound on waiting for every alert to resolve after the deploy. */
  settleTimeoutSeconds: number;
  /** Which build goes out: the scenario's fix, or (in a drill, a wrong guess) the leaky build again. */
  variant?: 'fixed' | 'leaky';
}

/**
 * Deploys a build as a fresh process, waits for the service to settle (every alert resolved),
 * then verifies it under the same traffic and records `verify`, and `resolved` when it holds.
 */
export async function deployFixAndVerify(incident: Incident, scenario: LeakScenario, opts: FixOptions): Promise<VerifyData> {
  const variant = opts.variant ?? 'fixed';
  const { timeline } = incident;
  incident.phase = 'fixed';
  await incident.stopApp();
  const fixedAt = Date.now();
  await incident.deploy(variant, opts.heapCapMb, 'fix', variant === 'fixed' ? `Fixed build deployed: ${scenario.fix.split('. ')[0]}.` : `Build redeployed (${variant}).`);
  // First a clean second of traffic on the new build, so requests refused during the switch-over
  // (and the error-rate alert they may set off) are behind us before "settled" can be judged.
  const settleBy = Date.now() + opts.settleTimeoutSeconds * 1000;
  const clean = await incident
    .waitFor<LoadSecond>('load', (l) => l.t >= fixedAt && l.requests > 0 && l.failed === 0, opts.settleTimeoutSeconds * 1000, 'a clean second of traffic on the new build')
    .then(
      () => true,
      (err: unknown) => (isLabError(err, 'LAB_ERR_TIMEOUT') ? false : Promise.reject(err)),
    );
  const settled = clean && await incident
    .waitFor('sample', () => incident.activeAlerts.size === 0, Math.max(1000, settleBy - Date.now()), 'every alert resolving after the fix')
    .then(
      () => true,
      (err: unknown) => (isLabError(err, 'LAB_ERR_TIMEOUT') ? false : Promise.reject(err)),
    );
  if (settled) {
    timeline.record('observation', 'monitor', `Service restored: every alert resolved ${Math.round((Date.now() - fixedAt) / 1000)} s after the new build went out.`, {
      about: 'deploy-fix',
      conclusion: 'the new build serves the traffic without errors; verification starts now',
    });
  }
  incident.phase = 'verify';
  const verify = await verifyWindow(incident, variant, {
    seconds: opts.verifySeconds,
    noiseBoundBytesPerSecond: opts.noiseBoundBytesPerSecond,
    availabilityTarget: opts.availabilityTarget,
  });
  timeline.record('verify', 'lab', verifySummary(verify), verify);
  if (verify.passed) timeline.record('resolved', 'lab', 'Incident resolved: the new build holds memory flat under the same traffic, within the availability objective.', {});
  else timeline.record('note', 'lab', 'The new build did not pass verification; the incident stays open.', {});
  return verify;
}

function verifySummary(v: VerifyData): string {
  const slope = `retained heap ${(v.slopeBytesPerSecond / 1024).toFixed(1)} KB/s (bound ${(v.noiseBoundBytesPerSecond / 1024).toFixed(0)} KB/s)`;
  const failed = `${v.requests.toLocaleString('en-US')} requests, ${v.failed.toLocaleString('en-US')} failed (objective ${percent(v.availabilityTarget)} served)`;
  return v.passed
    ? `Verification passed over ${v.seconds} s: ${slope}, ${failed}, no alert.`
    : `Verification FAILED over ${v.seconds} s: ${slope}, ${failed}, ${v.alertsFired} alerts.`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(3).replace(/\.?0+$/, '')}%`;
}
