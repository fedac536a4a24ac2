import { describe, expect, it } from 'vitest';
import { requestKinds } from '../../../app/shared/mpsd/wire.ts';
import { describeKind, kindDescriptions, kindLabel } from './request-kinds.ts';

describe('request kinds as Compose, History, Outbox and Drafts name them', () => {
  it('lists every kind once in the picker, each under its own label', () => {
    expect(kindDescriptions.map((description) => description.kind).sort()).toEqual([...requestKinds].sort());
    expect(new Set(kindDescriptions.map((description) => description.label)).size).toBe(requestKinds.length);
  });

  it('names the handle calls as what they are, not as Set activity', () => {
    expect(
      requestKinds.filter((kind) => kind.startsWith('search.') || kind === 'handle.join' || kind === 'transfer.create').map(kindLabel),
    ).toEqual(['Join through handle', 'Create transfer handle', 'Create search handle', 'Search sessions']);
    expect(describeKind('handle.join').summary).toContain('PUT /handles/{id}/session');
  });
});
