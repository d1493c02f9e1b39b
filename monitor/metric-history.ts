import type { LoadSecond } from '../load/load-types.ts';
import type { History } from './alert-engine.ts';
import type { MetricSample } from './monitor-types.ts';

/** The recent samples and load seconds the rules look at, bounded to what the longest window needs. */
export class MetricHistory implements History {
  samples: MetricSample[] = [];
  load: LoadSecond[] = [];

  constructor(private readonly keepSeconds: number) {}

  addSample(sample: MetricSample): void {
    this.samples.push(sample);
    this.samples = this.#trim(this.samples, sample.t);
  }

  addLoadSecond(sec: LoadSecond): void {
    this.load.push(sec);
    this.load = this.#trim(this.load, sec.t);
  }

  #trim<T extends { t: number }>(list: T[], now: number): T[] {
    const from = now - this.keepSeconds * 1000;
    return list[0]!.t >= from ? list : list.filter((x) => x.t >= from);
  }
}
