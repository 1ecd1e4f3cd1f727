import { AsyncLocalStorage } from 'node:async_hooks';

/** What a unit of work (a request, an event) carries through every call it makes. */
export interface WorkContext {
  requestId: string;
  /** When the caller stops waiting (ms since the epoch): calls made on its behalf end before then. */
  deadline?: number;
}

const storage = new AsyncLocalStorage<WorkContext>();

export const runInContext = <T>(context: WorkContext, fn: () => T): T => storage.run(context, fn);

export const currentContext = (): WorkContext | undefined => storage.getStore();
