import { killAllNow } from './child-registry.ts';

/**
 * Turns the first SIGINT/SIGTERM into an abort the run winds down from (children stopped, an
 * `aborted` event written); a second one kills the children at once and exits. The exit
 * code is 128 + the signal number, as shells expect (130 for Ctrl-C).
 */
export function abortOnSignals(onFirst: (signal: NodeJS.Signals) => void = () => {}): { signal: AbortSignal; exitCode(): number | null } {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      killAllNow();
      process.exit(exitCodeFor(signal));
    }
    received = signal;
    onFirst(signal);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return { signal: controller.signal, exitCode: () => (received ? exitCodeFor(received) : null) };
}

function exitCodeFor(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : 130;
}
