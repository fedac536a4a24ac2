import { HandleStudioError } from '../shared/errors.ts';
import type { Clock } from './ports.ts';

/** The wall clock, with a sleep that an AbortSignal cuts short. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new HandleStudioError('CANCELLED', 'Cancelled.'));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(new HandleStudioError('CANCELLED', 'Cancelled.'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
