/**
 * MPA Compose -> draft -> MPA Compose keeps everything the form can express: each case types
 * one field, saves the form as a draft (mpaDraftFields), opens that draft in a fresh form
 * (openMpaDraft, which reads it through the shared mpaRequestFromDraft) and compares.
 */
import { describe, expect, it, vi } from 'vitest';
import type { MpaKind } from '../../../../app/shared/mpa/requests.ts';
import type { MpaField } from './mpa-kinds.ts';

// The page's api reaches for window when loaded; a draft's round trip never calls core.
vi.mock('../../api.ts', () => ({ api: {} }));

const { MpaComposeForm } = await import('./mpa-form.svelte.ts');
const { mpaDraftFields, openMpaDraft } = await import('./mpa-draft.svelte.ts');

type Form = InstanceType<typeof MpaComposeForm>;
type Typed = Partial<Pick<Form, MpaField>>;

const ALICE = '2814679796296492';
const BOB = '2814679796296493';

function roundTrip(kind: MpaKind, typed: Typed): Form {
  const form = Object.assign(new MpaComposeForm(), { kind, titleId: '1234', xuid: ALICE }, typed);
  const reopened = new MpaComposeForm();
  openMpaDraft(reopened, { id: 'd1', name: 'Round trip', kind, fields: mpaDraftFields(form), updatedAt: '2026-12-01T00:00:00.000Z' });
  return reopened;
}

function expectKept(kind: MpaKind, typed: Typed): void {
  const reopened = roundTrip(kind, typed);
  for (const [field, value] of Object.entries(typed)) expect(reopened[field as keyof Typed], field).toBe(value);
}

describe('an MPA draft saved from Compose and opened again keeps', () => {
  it('the title', () => expectKept('mpa.activity.get', { titleId: '0x4D2' }));
  it('your XUID', () => expectKept('mpa.activity.get', { xuid: BOB }));
  it("an activity's connection string", () => expectKept('mpa.activity.set', { connectionString: 'lobby:9f2c' }));
  it('the join restriction', () => expectKept('mpa.activity.set', { joinRestriction: 'Followed' }));
  it('max players', () => expectKept('mpa.activity.set', { maxPlayers: '8' }));
  it('current players', () => expectKept('mpa.activity.set', { currentPlayers: '3' }));
  it('the group', () => expectKept('mpa.activity.set', { groupId: 'squad-7' }));
  it('a platform with cross-platform left to MPA', () => expectKept('mpa.activity.set', { platform: 'Scarlett', crossPlatform: '' }));
  it('a platform with cross-platform off', () => expectKept('mpa.invite.send', { platform: 'Scarlett', crossPlatform: 'false' }));
  it('cross-platform on', () => expectKept('mpa.invite.send', { crossPlatform: 'true' }));
  it("an activity's sequence number", () => expectKept('mpa.activity.set', { sequenceNumber: '42' }));
  it("a delete's sequence number", () => expectKept('mpa.activity.delete', { sequenceNumber: '7' }));
  it('the users queried', () => expectKept('mpa.activity.query', { users: `${ALICE}\n${BOB}` }));
  it('the users invited and the invite connection string', () =>
    expectKept('mpa.invite.send', { invitedUsers: `${ALICE}\n${BOB}`, connectionString: 'lobby:1' }));
  it('recent players with and without an encounter type', () =>
    expectKept('mpa.recentPlayers.update', { recentPlayers: `${ALICE} Teammate\n${BOB}` }));
});
