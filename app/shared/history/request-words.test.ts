import { describe, expect, it } from 'vitest';
import { kindDescriptions, kindLabel } from '../../../renderer/src/compose/request-kinds.ts';
import { requestKinds } from '../mpsd/wire.ts';
import { requestKindLabels } from './request-words.ts';

describe('request words shared by the app and the CLI', () => {
  it('the app labels every kind with the shared words, in lists and in the Compose picker alike', () => {
    for (const kind of requestKinds) expect(kindLabel(kind)).toBe(requestKindLabels[kind]);
    // The picker's table still spells its labels out; it must never drift from the shared words.
    for (const description of kindDescriptions) expect(description.label).toBe(requestKindLabels[description.kind]);
  });
});
