/**
 * The local MPSD a new user can try before they have a sandbox or a token: where
 * `handle-studio emulator start` listens by default, the command as README.md gives it, and
 * the profile that points at it (with sign-in through the emulator's stand-ins beside it).
 */
import type { ProfileDraft } from '../../../app/shared/contract/profiles.ts';
import { LOCAL_SIGN_IN_CLIENT_ID, localSignInEndpoints, standInsUrlBeside } from '../../../app/shared/local-sign-in.ts';

/** `emulator start` without --port. */
export const LOCAL_MPSD_URL = 'http://127.0.0.1:7777';

/** Run from the Handle Studio folder, as README.md says. */
export const LOCAL_MPSD_COMMAND = 'npx handle-studio emulator start';

/** A sandbox id the emulator accepts; any well-formed one would do. */
const LOCAL_SANDBOX = 'XDKS.1';

export function localMpsdProfileDraft(name = 'Local MPSD'): ProfileDraft {
  const standIns = standInsUrlBeside(LOCAL_MPSD_URL);
  return {
    name,
    environment: 'local',
    endpoint: LOCAL_MPSD_URL,
    sandboxId: LOCAL_SANDBOX,
    contractVersion: 107,
    locale: 'en-US',
    auth: standIns === undefined ? {} : { msaClientId: LOCAL_SIGN_IN_CLIENT_ID, tokenEndpoints: localSignInEndpoints(standIns) },
  };
}
