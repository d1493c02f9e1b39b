import { labError } from '../lab/errors.ts';
import type { IdSample } from './snapshot-summary.ts';

/** What the series checks need from each snapshot. */
export interface SeriesPoint {
  file: string;
  maxId: number;
  sample: IdSample;
}

/**
 * Refuses a series that is out of order or mixes processes. Within one process V8 hands out
 * ids in increasing order, so (1) the later snapshot's max id is not smaller, and (2) an id in
 * the later snapshot that is not above the earlier snapshot's max id almost always names an
 * object the earlier snapshot already had, with the same type and name (the exception, a new
 * object inheriting a dead one's id at its address, is rare: see node-signatures.ts). Another
 * process breaks (2) for most such ids even when the ranges overlap.
 */
const MIN_SHARED = 64;
const MAX_MISMATCH = 0.1;

export function checkPair(earlier: SeriesPoint, later: SeriesPoint): void {
  if (later.maxId < earlier.maxId) {
    throw labError(
      'LAB_ERR_SNAPSHOT_SET',
      `${later.file} was taken before ${earlier.file} (its newest object id is older); give snapshots oldest first`,
    );
  }
  const a = earlier.sample;
  const b = later.sample;
  let i = 0;
  let checked = 0;
  let mismatched = 0;
  for (let j = 0; j < b.ids.length; j++) {
    const id = b.ids[j];
    if (id > earlier.maxId) break;
    while (i < a.ids.length && a.ids[i] < id) i++;
    checked++;
    if (i >= a.ids.length || a.ids[i] !== id || a.sig[i] !== b.sig[j]) mismatched++;
  }
  if (checked >= MIN_SHARED && mismatched / checked > MAX_MISMATCH) {
    throw labError(
      'LAB_ERR_SNAPSHOT_SET',
      `${later.file} and ${earlier.file} come from different processes (${Math.round((100 * mismatched) / checked)}% of shared object ids disagree)`,
    );
  }
  if (checked < MIN_SHARED && a.ids.length >= 8 * MIN_SHARED) {
    throw labError(
      'LAB_ERR_SNAPSHOT_SET',
      `${later.file} and ${earlier.file} share almost no objects; they look like different processes`,
    );
  }
}
