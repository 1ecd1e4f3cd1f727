import { describe, expect, it } from 'vitest';
import { DeadlineExceeded, withDeadline } from '../src/deadline.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withDeadline', () => {
  it('answers what the call answers in time', async () => {
    await expect(withDeadline(1000, () => Promise.resolve('ok'))).resolves.toBe('ok');
    await expect(withDeadline(1000, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('aborts the call and stops waiting at the deadline', async () => {
    let aborted: unknown;
    const started = Date.now();
    const call = withDeadline(50, (signal) => {
      signal.addEventListener('abort', () => (aborted = signal.reason));
      return sleep(5000);
    });
    await expect(call).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(aborted).toBeInstanceOf(DeadlineExceeded);
  });
});
