import { describe, expect, it } from 'vitest';
import * as z from '../../../app/shared/zod.ts';
import { mpaRequestSchema } from '../../../app/shared/mpa/requests.ts';
import { presetSchema, type MpaPreset } from '../../../app/shared/presets/preset.ts';
import { mpaPresetSteps } from './mpa-preset-steps.ts';

const ME = '2814679796296491';
const preset = z.parse(presetSchema, {
  service: 'mpa',
  id: 'p1',
  favourite: false,
  updatedAt: '2026-12-01T12:00:00Z',
  name: 'Lobby',
  titleId: '0x4D2',
  activity: { connectionString: 'lobby+1', joinRestriction: 'Followed', maxPlayers: 4 },
  invite: { connectionString: 'lobby+1' },
  recipients: [{ xuid: '2814679796296492', label: 'Bob' }],
  notes: '',
}) as MpaPreset;

describe('an MPA preset sent from the app', () => {
  it('sets the activity as the sender, then invites every chosen recipient in one call; both are valid MPA requests', () => {
    const steps = mpaPresetSteps(preset, ['2814679796296492', '2814679796296493'], ME);
    expect(steps).toEqual([
      {
        label: 'Set activity',
        request: {
          kind: 'mpa.activity.set',
          titleId: '0x4D2',
          xuid: ME,
          connectionString: 'lobby+1',
          joinRestriction: 'Followed',
          maxPlayers: 4,
        },
      },
      {
        label: 'Invite 2 in one call',
        request: {
          kind: 'mpa.invite.send',
          titleId: '0x4D2',
          invitedUsers: ['2814679796296492', '2814679796296493'],
          connectionString: 'lobby+1',
        },
      },
    ]);
    for (const step of steps as { request: unknown }[]) expect(mpaRequestSchema.safeParse(step.request).success).toBe(true);
  });

  it('says what is missing instead of sending: no XUID for the activity, nothing to do', () => {
    expect(mpaPresetSteps(preset, ['2814679796296492'], undefined)).toEqual({ problem: expect.stringContaining('names your own XUID') });
    const inviteOnly = { ...preset, activity: undefined };
    expect(mpaPresetSteps(inviteOnly, ['2814679796296492'], undefined)).toHaveLength(1);
    expect(mpaPresetSteps(inviteOnly, [], ME)).toEqual({ problem: expect.stringContaining('no recipients') });
  });
});
