import { describe, expect, it } from 'vitest';
import * as z from '../zod.ts';
import { parseMpaRequest } from '../mpa/wire.ts';
import { mpaPresetRequests } from './mpa-preset-requests.ts';
import { presetSchema, type MpaPreset } from './preset.ts';

const ME = '2814679796296491';
const [ALICE, BOB] = ['2814679796296492', '2814679796296493'];

function squad(fields: Record<string, unknown> = {}): MpaPreset {
  const preset = z.parse(presetSchema, {
    service: 'mpa',
    id: 'p-1',
    name: 'Squad',
    titleId: '0x4D2',
    activity: { connectionString: 'lobby:1', joinRestriction: 'Public', platform: 'Scarlett', allowCrossPlatformJoin: false },
    invite: { connectionString: 'lobby:1' },
    recipients: [],
    notes: '',
    favourite: false,
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...fields,
  });
  if (preset.service !== 'mpa') throw new Error('not an MPA preset');
  return preset;
}

describe('the calls of an MPA preset', () => {
  it('are the activity, then ONE invite call for every invitee, each a valid MPA request', () => {
    const planned = mpaPresetRequests(squad(), [ALICE, BOB], ME);
    expect('requests' in planned && planned.requests.map((request) => parseMpaRequest(request))).toEqual([
      {
        kind: 'mpa.activity.set',
        titleId: '1234',
        xuid: ME,
        connectionString: 'lobby:1',
        joinRestriction: 'Public',
        platform: 'Scarlett',
        allowCrossPlatformJoin: false,
      },
      { kind: 'mpa.invite.send', titleId: '1234', invitedUsers: [ALICE, BOB], connectionString: 'lobby:1' },
    ]);
  });

  it('say what is missing: your XUID for the activity, or anything to send at all', () => {
    expect(mpaPresetRequests(squad(), [ALICE], undefined)).toEqual({ missing: 'ownXuid' });
    expect(mpaPresetRequests(squad({ activity: undefined }), [ALICE], undefined)).toMatchObject({
      requests: [{ kind: 'mpa.invite.send' }],
    });
    expect(mpaPresetRequests(squad({ activity: undefined }), [], ME)).toEqual({ missing: 'anything' });
  });
});
