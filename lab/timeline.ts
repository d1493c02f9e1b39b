import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { TimelineEvent, TimelineEventType } from './run-files.ts';
import { isoInZone } from './zoned-time.ts';

/**
 * The run's timeline: each event is written, flushed and fsynced the moment it happens, so a
 * crash of the lab itself loses nothing that was recorded before it.
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
    fsyncSync(this.#fd);
    this.events.push(event as TimelineEvent);
    for (const listener of this.#listeners) listener(event as TimelineEvent);
    return event;
  }

  close(): void {
    closeSync(this.#fd);
  }
}
