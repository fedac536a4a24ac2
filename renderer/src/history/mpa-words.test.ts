import { describe, expect, it } from 'vitest';
import { inviteesInWords, invitedUsersOf, mpaTitleOf, pathOf } from './mpa-words.ts';

describe('MPA calls in words', () => {
  it('names the title of a path or a whole URL, and nothing for an MPSD URL', () => {
    expect(mpaTitleOf('/titles/1234/invites')).toBe('1234');
    expect(mpaTitleOf('http://127.0.0.1:7777/titles/1234/users/2814/activities')).toBe('1234');
    expect(mpaTitleOf('https://sessiondirectory.xboxlive.com/handles')).toBeUndefined();
  });

  it('lists up to three invitees, then says how many more', () => {
    expect(inviteesInWords([])).toBe('');
    expect(inviteesInWords(['1'])).toBe('1 user: 1');
    expect(inviteesInWords(['1', '2', '3'])).toBe('3 users: 1, 2, 3');
    expect(inviteesInWords(['1', '2', '3', '4', '5'])).toBe('5 users: 1, 2, 3 and 2 more');
  });

  it("reads a stored invite call's users and path, and nothing from what is not one", () => {
    const wire = { kind: 'mpa.invite.send', method: 'POST', path: '/titles/1234/invites', body: { invitedUsers: ['1', '2'] } };
    expect(invitedUsersOf(wire)).toEqual(['1', '2']);
    expect(pathOf(wire)).toBe('/titles/1234/invites');
    expect(invitedUsersOf({ body: { invitedUsers: 'x' } })).toEqual([]);
    expect(invitedUsersOf(null)).toEqual([]);
    expect(pathOf(undefined)).toBe('');
  });
});
