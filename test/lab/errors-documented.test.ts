import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, LabError, type LabErrorCode } from '../../lab/errors.ts';
import { REPO_ROOT } from '../../lab/repo-root.ts';

describe('error codes', () => {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

  it.each(Object.keys(ERROR_CODES) as LabErrorCode[])('%s is documented in the README with its exit code', (code) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| \`${code}\``));
    expect(row, `README row for ${code}`).toBeDefined();
    expect(row).toContain(`| ${new LabError(code, 'x').exitCode} |`);
  });

  it('documents no code that does not exist', () => {
    const documented = [...readme.matchAll(/^\| `(LAB_ERR_[A-Z_]+)`/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
