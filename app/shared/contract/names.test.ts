import { describe, expect, it } from 'vitest';
import { channels, events } from './index.ts';
import { channelNames, eventNames } from './names.ts';

describe('contract names', () => {
  // The typecheck holds the two sets equal; a name listed twice is the one slip it cannot see.
  it('lists every channel and event of the contract once', () => {
    expect(new Set(channelNames).size).toBe(channelNames.length);
    expect(new Set(eventNames).size).toBe(eventNames.length);
    expect([...channelNames].sort()).toEqual(Object.keys(channels).sort());
    expect([...eventNames].sort()).toEqual(Object.keys(events).sort());
  });
});
