/**
 * MPA Compose reads its text through the draft reader (mpaRequestFromDraft) and still names
 * the line a list box's bad entry is on.
 */
import { describe, expect, it, vi } from 'vitest';
import { mpaRequestFromDraft } from '../../../../app/shared/drafts/mpa-draft-request.ts';

// The page's api reaches for window when loaded; the form never calls core.
vi.mock('../../api.ts', () => ({ api: {} }));

const { MpaComposeForm } = await import('./mpa-form.svelte.ts');
const { mpaDraftFields } = await import('./mpa-draft.svelte.ts');

const ALICE = '2814679796296492';
const BOB = '2814679796296493';

describe('MPA Compose', () => {
  it('builds the very call its draft would send', () => {
    const form = Object.assign(new MpaComposeForm(), {
      kind: 'mpa.activity.set' as const,
      titleId: '0x4D2',
      xuid: ALICE,
      connectionString: 'lobby',
      maxPlayers: '8',
      platform: 'Scarlett' as const,
      sequenceNumber: '5',
    });
    expect(form.input).toEqual(mpaRequestFromDraft({ kind: form.kind, fields: mpaDraftFields(form) }).request);
    expect(form.request).toMatchObject({ titleId: '1234', maxPlayers: 8, platform: 'Scarlett', sequenceNumber: 5 });
    expect(form.request).not.toHaveProperty('allowCrossPlatformJoin');
  });

  it('names the line of a bad invitee, a bad queried user and a bad recent player', () => {
    const form = Object.assign(new MpaComposeForm(), {
      titleId: '1234',
      kind: 'mpa.invite.send' as const,
      invitedUsers: `${ALICE}\n\nnobody`,
    });
    expect(form.problems.invitedUsers).toMatch(/^Line 3 \(“nobody”\): /);
    expect(form.inviteeCount).toBe(2);
    Object.assign(form, { kind: 'mpa.activity.query', users: `${ALICE}\n${BOB}, nobody` });
    expect(form.problems.users).toMatch(/^Line 2 \(“nobody”\): /);
    Object.assign(form, { kind: 'mpa.recentPlayers.update', recentPlayers: `${ALICE} Teammate\n${BOB} Rival` });
    expect(form.problems.recentPlayers).toMatch(/^Line 2 \(“.*”\): .*Teammate/);
  });
});
