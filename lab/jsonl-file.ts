import { closeSync, openSync, writeSync } from 'node:fs';

/** An append-only JSON-lines file: one record a line, written as it comes. */
export class JsonlFile<T> {
  readonly #fd: number;

  constructor(file: string) {
    this.#fd = openSync(file, 'a', 0o644);
  }

  append(record: T): void {
    writeSync(this.#fd, `${JSON.stringify(record)}\n`);
  }

  close(): void {
    closeSync(this.#fd);
  }
}
