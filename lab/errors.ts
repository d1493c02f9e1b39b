/**
 * Every error the lab's library code throws, in one place, each with a stable code.
 * Library code throws; only CLI entries (lab/cli-main.ts) turn these into a one-line
 * message and an exit code, so callers can branch on `code` and never on message text.
 */
export const ERROR_CODES = {
  LAB_ERR_BAD_OPTION: 'an option or argument has a value the lab cannot use',
  LAB_ERR_UNKNOWN_SCENARIO: 'no leak scenario has that name',
  LAB_ERR_BAD_TIMEZONE: 'the time zone is not an IANA zone name this Node.js knows',
  LAB_ERR_OUTPUT_DIR: 'the output folder cannot be created or written',
  LAB_ERR_PORT_BUSY: 'the port asked for is already in use',
  LAB_ERR_APP_START: 'the app process did not start or did not become healthy in time',
  LAB_ERR_APP_DIED: 'the app process exited while the lab needed it',
  LAB_ERR_SNAPSHOT: 'a heap snapshot could not be written',
  LAB_ERR_SNAPSHOT_FILE: 'a heap snapshot file is missing, unreadable, truncated or not a heap snapshot',
  LAB_ERR_SNAPSHOT_SET: 'the snapshots given do not form a usable series (count, order or process)',
  LAB_ERR_RUN_FILES: 'a run folder is missing files or holds a corrupt line',
  LAB_ERR_TIMEOUT: 'something the lab waited for did not happen within its bound',
  LAB_ERR_ABORTED: 'the run was interrupted (Ctrl-C or SIGTERM)',
} as const;

export type LabErrorCode = keyof typeof ERROR_CODES;

/** Exit codes by error code; anything not listed is a bad-input error (2). */
const EXIT_CODES: Partial<Record<LabErrorCode, number>> = {
  LAB_ERR_APP_START: 3,
  LAB_ERR_APP_DIED: 3,
  LAB_ERR_SNAPSHOT: 3,
  LAB_ERR_TIMEOUT: 3,
  LAB_ERR_ABORTED: 130,
};

export class LabError extends Error {
  readonly code: LabErrorCode;
  readonly exitCode: number;

  constructor(code: LabErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabError';
    this.code = code;
    this.exitCode = EXIT_CODES[code] ?? 2;
  }
}

export function labError(code: LabErrorCode, message: string, cause?: unknown): LabError {
  return new LabError(code, message, cause === undefined ? undefined : { cause });
}

export function isLabError(err: unknown, code?: LabErrorCode): err is LabError {
  return err instanceof LabError && (code === undefined || err.code === code);
}
