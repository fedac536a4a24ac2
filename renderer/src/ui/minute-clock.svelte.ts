/**
 * The time, as far as a screen that shows "expires in 42 min" needs it: reading `now` in a
 * component subscribes it to a tick every 15 s, so countdowns and the expiring/expired state
 * move on their own while the screen is open, and nothing ticks when nobody reads it.
 */
import { createSubscriber } from 'svelte/reactivity';

const TICK_MS = 15_000;

class MinuteClock {
  #now = Date.now();
  #subscribe = createSubscriber((update) => {
    const timer = setInterval(() => {
      this.#now = Date.now();
      update();
    }, TICK_MS);
    return () => clearInterval(timer);
  });

  get now(): number {
    this.#subscribe();
    return this.#now;
  }
}

export const minuteClock = new MinuteClock();
