import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module. tsx's hooks are per thread, so the worker starts
 * from a small bootstrap that registers them and then imports the module.
 */
export function tsWorker(module: string | URL, options: WorkerOptions = {}): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(api)}; register(); await import(${JSON.stringify(String(module))});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), options);
}
