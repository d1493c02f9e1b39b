import { closeSync, openSync, writeSync } from 'node:fs';
import type { TimelineEvent, TimelineEventType } from './run-files.ts';
import { isoInZone } from './zoned-time.ts';

/**
 * The run's timeline: each event is written the moment it happens, with a synchronous write,
 * so a crash of the lab itself loses nothing recorded before it (the kernel has it). Not
 * fsynced: that guards against the machine going down, not the lab, and this thread also paces
 * the load and times its answers; an fsync here took up to 344 ms while another process
 * wrote to the disk (measured).
 */
export class Timeline {
  readonly #fd: number;
  readonly #tz: string;
  readonly #listeners: ((event: TimelineEvent) => void)[] = [];
  readonly events: TimelineEvent[] = [];

  constructor(file: string, tz: string) {
    this.#fd = openSync(file, 'a', 0o644);
    this.#tz = tz;
  }

  onEvent(listener: (event: TimelineEvent) => void): void {
    this.#listeners.push(listener);
  }

  record<D extends object>(type: TimelineEventType, source: string, summary: string, data: D, at = new Date()): TimelineEvent<D> {
    const event = { at: isoInZone(at, this.#tz), type, source, summary, data };
    writeSync(this.#fd, `${JSON.stringify(event)}\n`);
    this.events.push(event as TimelineEvent);
    for (const listener of this.#listeners) listener(event as TimelineEvent);
    return event;
  }

  close(): void {
    closeSync(this.#fd);
  }
}
