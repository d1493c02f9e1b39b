import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, so child processes find tsx and the app whatever the caller's cwd. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
