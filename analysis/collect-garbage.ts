import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full GC between phases. The analysis lives in typed arrays (external memory), so a phase's
 * temporaries stay resident until the JS heap happens to collect; the next phase's arrays then
 * stack on top of them. Collecting at the seams keeps the peak to one phase's worth. The JS
 * heap itself is small, so this costs milliseconds. Returns whether a GC could be forced.
 */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
  return gc !== null;
}
