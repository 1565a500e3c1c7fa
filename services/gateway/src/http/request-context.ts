import { AsyncLocalStorage } from 'node:async_hooks';

/** What deep callers may need to know about the request being served (the password throttle: its address). */
export interface RequestContext {
  readonly clientIp?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` as the handling of a request from `context`. */
export function runInRequest<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The client address of the request being served, when there is one. */
export function currentClientIp(): string | undefined {
  return storage.getStore()?.clientIp;
}
