/**
 * Runs operations on the same vault key one after another, so a `set` racing a `delete` of
 * the same secret (say, a token refresh finishing while the user signs out) lands in the
 * order they were asked for. Different keys run in parallel.
 */
export interface PerKeyQueue {
  run<T>(key: string, operation: () => Promise<T>): Promise<T>;
}

/** A fresh queue; each vault owns one. */
export function createPerKeyQueue(): PerKeyQueue {
  const tails = new Map<string, Promise<unknown>>();
  return {
    run<T>(key: string, operation: () => Promise<T>): Promise<T> {
      const previous = tails.get(key) ?? Promise.resolve();
      // Run after the previous operation settles, whether it worked or not.
      const next = previous.then(operation, operation);
      const tail = next.catch(() => undefined);
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return next;
    },
  };
}
