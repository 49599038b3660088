// Work a request starts but does not wait for (a cache refresh, a shared-state read or write) runs outside
// that request's async context: whatever follows a request through its context (tracing, per-request
// accounting with AsyncLocalStorage) then attributes the work to no request, as it belongs to none.
import { AsyncResource } from 'node:async_hooks';

/** Created as the module loads, before any request: its scope is the process's own. */
const ROOT = new AsyncResource('originalpoint.background');

export function detached<T>(task: () => T): T {
  return ROOT.runInAsyncScope(task);
}
