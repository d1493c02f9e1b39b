// Worker entry: the analysis is TypeScript, so register tsx in this thread before loading it.
import { register } from 'tsx/esm/api';

register();
await import('./edge-worker.ts');
