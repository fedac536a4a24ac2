/**
 * An MPA preset's activity and invite mean what the same text means in MPA Compose (read as a
 * draft, by mpaRequestFromDraft): each case types one field, in the preset editor's part and in
 * MPA Compose's form, and the two calls must agree on every field. A saved preset opened in the
 * editor (and in Compose) comes back as saved.
 */
import { describe, expect, it, vi } from 'vitest';
import * as z from '../../../app/shared/zod.ts';
import { mpaJoinRestrictions, mpaPlatforms, mpaRequestSchema, type MpaRequestInput } from '../../../app/shared/mpa/requests.ts';
import { presetSchema, type MpaPreset } from '../../../app/shared/presets/preset.ts';
import type { MpaField } from '../compose/mpa/mpa-kinds.ts';

// The page's api reaches for window when loaded; nothing here calls core.
vi.mock('../api.ts', () => ({ api: {} }));

const { MpaComposeForm } = await import('../compose/mpa/mpa-form.svelte.ts');
const { MpaPresetPart, mpaPresetActivityFields, mpaPresetInviteFields } = await import('./mpa-preset-part.svelte.ts');
const { PresetForm } = await import('./preset-form.svelte.ts');

const ME = '2814679796296491';
const [ALICE, BOB] = ['2814679796296492', '2814679796296493'];
type Typed = Partial<Pick<InstanceType<typeof MpaComposeForm>, MpaField>>;

/** A call's own fields: what a preset's part holds (the sender adds the rest). */
function ownFields(request: MpaRequestInput): Record<string, unknown> {
  const addedBySender = ['kind', 'titleId', 'xuid', 'sequenceNumber', 'invitedUsers'];
  return Object.fromEntries(Object.entries(request).filter(([name]) => !addedBySender.includes(name)));
}

/** `typed` in MPA Compose (an activity set, or an invite to Alice) and in a preset's part of that kind. */
function both(part: 'activity' | 'invite', typed: Typed) {
  const compose = new MpaComposeForm();
  Object.assign(
    compose,
    part === 'activity' ? { kind: 'mpa.activity.set', xuid: ME } : { kind: 'mpa.invite.send', invitedUsers: ALICE },
    { titleId: '1234' },
    typed,
  );
  const preset = new MpaPresetPart(part === 'activity' ? mpaPresetActivityFields : mpaPresetInviteFields, () => ({}));
  Object.assign(preset, { titleId: '1234' }, typed);
  return { compose: ownFields(compose.input), preset: part === 'activity' ? preset.activity : preset.invite };
}

/** Every field a part shows, each with text that reads plainly, padded, blank, or as something the schema refuses. */
const typings: [MpaField, string[]][] = [
  ['connectionString', ['lobby-7', '  lobby 7  ', '', '   ', 'x'.repeat(600)]],
  ['joinRestriction', [...mpaJoinRestrictions]],
  ['maxPlayers', ['8', ' 8 ', '08', '', 'eight', '1234567890123456', '-3', '2.5']],
  ['currentPlayers', ['3', ' 3', '', 'three', '123456789012345']],
  ['groupId', ['group-1', '  group 1  ', '', '   ']],
  ['platform', ['', ...mpaPlatforms]],
  ['crossPlatform', ['', 'true', 'false']],
];

describe("an MPA preset's fields read as MPA Compose (and a draft) reads them", () => {
  for (const part of ['activity', 'invite'] as const) {
    const shown = part === 'activity' ? mpaPresetActivityFields : mpaPresetInviteFields;
    for (const [field, texts] of typings.filter(([name]) => shown.includes(name))) {
      it.each(texts)(`${part}: ${field} typed as %j`, (text) => {
        const typed = { [field]: text, ...(field === 'platform' && text !== '' ? { crossPlatform: 'false' } : {}) } as Typed;
        const { compose, preset } = both(part, typed);
        expect(preset).toEqual(compose);
      });
    }
  }

  it('an activity with every field typed is the same call both ways, and both schemas judge it alike', () => {
    const typed: Typed = {
      connectionString: ' lobby:9f2c ',
      joinRestriction: 'Followed',
      maxPlayers: '8',
      currentPlayers: '9',
      groupId: 'squad',
      platform: 'Scarlett',
      crossPlatform: 'false',
    };
    const { compose, preset } = both('activity', typed);
    expect(preset).toEqual(compose);
    const asRequest = mpaRequestSchema.safeParse({ kind: 'mpa.activity.set', titleId: '1234', xuid: ME, ...preset });
    const asPreset = presetSchema.safeParse({ ...saved(), activity: preset });
    // currentPlayers above maxPlayers: refused on the same field with the same words.
    expect(asRequest.success).toBe(false);
    expect(asRequest.error?.issues.map((issue) => [issue.path.at(-1), issue.message])).toEqual(
      asPreset.error?.issues.map((issue) => [issue.path.at(-1), issue.message]),
    );
  });
});

function saved(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    service: 'mpa',
    id: 'p-1',
    name: 'Squad',
    titleId: '0x4D2',
    activity: {
      connectionString: 'lobby:1',
      joinRestriction: 'InviteOnly',
      maxPlayers: 8,
      currentPlayers: 3,
      groupId: 'squad-a',
      platform: 'Scarlett',
      allowCrossPlatformJoin: false,
    },
    invite: { connectionString: 'lobby:invite', platform: 'Win32', allowCrossPlatformJoin: false },
    recipients: [{ xuid: ALICE, label: 'Alice' }],
    notes: '',
    favourite: false,
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...fields,
  };
}

describe('a saved MPA preset opened in the editor', () => {
  const preset = z.parse(presetSchema, saved()) as MpaPreset;

  it('comes back with every activity and invite field as saved', () => {
    const form = new PresetForm(preset);
    const input = z.parse(presetSchema, { ...form.input, id: preset.id, updatedAt: preset.updatedAt });
    expect(input).toEqual(preset);
  });

  it('is the call MPA Compose makes of the same fields', () => {
    const form = new PresetForm(preset);
    const compose = new MpaComposeForm();
    if (preset.activity === undefined) throw new Error('The saved preset sets an activity.');
    compose.load({ kind: 'mpa.activity.set', titleId: preset.titleId, xuid: ME, ...preset.activity });
    expect(form.mpaActivity.activity).toEqual(ownFields(compose.input));
    compose.load({ kind: 'mpa.invite.send', titleId: preset.titleId, invitedUsers: [BOB], ...preset.invite });
    expect(form.mpaInvite.invite).toEqual(ownFields(compose.input));
  });

  it('an invite with nothing of its own typed sends none of its fields', () => {
    const form = new PresetForm(z.parse(presetSchema, saved({ invite: {} })) as MpaPreset);
    expect(form.mpaInvite.invite).toEqual({});
  });
});
