import { describe, expect, it } from 'vitest';
import type { ProfileView } from '../../../app/shared/contract/profiles.ts';
import { mpaResender } from './mpa-resender.ts';

function profile(id: string, name: string, service: ProfileView['service'], active = false): ProfileView {
  return {
    id,
    name,
    environment: 'local',
    endpoint: 'http://127.0.0.1:7777',
    sandboxId: 'XDKS.1',
    contractVersion: 107,
    locale: 'en-US',
    service,
    auth: {},
    active,
    token: { state: 'pasted', vault: 'memory' },
  };
}

const sentAsLobby = { profileId: 'p-lobby', profileName: 'Lobby host' };

describe("whom History resends an MPA call as: the entry's own profile", () => {
  it('is the profile that sent it, with no switch, when that profile is active', () => {
    const lobby = profile('p-lobby', 'Lobby host', 'mpa', true);
    expect(mpaResender(sentAsLobby, [lobby, profile('p-qa', 'QA box', 'mpa')], lobby)).toEqual({ sender: lobby, switchesProfile: false });
  });

  it('is still the profile that sent it when another MPA profile is active, which it then replaces', () => {
    const lobby = profile('p-lobby', 'Lobby host', 'mpa');
    const qa = profile('p-qa', 'QA box', 'mpa', true);
    expect(mpaResender(sentAsLobby, [lobby, qa], qa)).toEqual({ sender: lobby, switchesProfile: true });
  });

  it('is the profile that sent it when an MPSD profile is active (MPA Compose cannot show for that one)', () => {
    const lobby = profile('p-lobby', 'Lobby host', 'mpa');
    const mpsd = profile('p-mpsd', 'MPSD dev', 'mpsd', true);
    expect(mpaResender(sentAsLobby, [mpsd, lobby], mpsd)).toEqual({ sender: lobby, switchesProfile: true });
  });

  it('refuses, naming the profile, when it no longer exists; the way out depends on the active profile', () => {
    const qa = profile('p-qa', 'QA box', 'mpa', true);
    expect(mpaResender(sentAsLobby, [qa], qa)).toEqual({
      refused:
        'This call was sent as “Lobby host”, which is not one of your profiles now, so it cannot be resent as it was. ' +
        'Open it in Compose to send it as the active profile, “QA box”.',
    });
    const mpsd = profile('p-mpsd', 'MPSD dev', 'mpsd', true);
    expect(mpaResender(sentAsLobby, [mpsd], mpsd)).toEqual({
      refused:
        'This call was sent as “Lobby host”, which is not one of your profiles now, so it cannot be resent as it was. ' +
        'Choose an MPA profile in the top bar, then open it in Compose to send it as that profile.',
    });
    expect(mpaResender(sentAsLobby, [], undefined)).toHaveProperty(
      'refused',
      expect.stringContaining('Choose an MPA profile in the top bar'),
    );
  });

  it('refuses a call the CLI sent with XBL_AUTHORIZATION (History names no profile of yours)', () => {
    const qa = profile('p-qa', 'QA box', 'mpa', true);
    expect(mpaResender({ profileId: 'environment', profileName: 'XBL_AUTHORIZATION' }, [qa], qa)).toHaveProperty(
      'refused',
      expect.stringContaining('sent as “XBL_AUTHORIZATION”, which is not one of your profiles now'),
    );
  });

  it('refuses when the profile now sends through MPSD, saying how to send it as that profile again (by the name it has now too)', () => {
    const lobby = profile('p-lobby', 'Lobby host (renamed)', 'mpsd', true);
    expect(mpaResender(sentAsLobby, [lobby], lobby)).toEqual({
      refused:
        'This call was sent as “Lobby host” (now named “Lobby host (renamed)”), which now sends through MPSD, not Multiplayer Activity, so it cannot resend this call. ' +
        'To resend it as it was, set that profile back to Multiplayer Activity in Profiles (Edit). ' +
        'Otherwise: Choose an MPA profile in the top bar, then open it in Compose to send it as that profile.',
    });
  });

  it('names a profile that sends through MPSD once when it kept its name', () => {
    const lobby = profile('p-lobby', 'Lobby host', 'mpsd', true);
    expect(mpaResender(sentAsLobby, [lobby], lobby)).toHaveProperty(
      'refused',
      expect.stringMatching(/^This call was sent as “Lobby host”, which now sends through MPSD/),
    );
  });
});
