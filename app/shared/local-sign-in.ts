/**
 * Where the local sign-in stand-ins (`handle-studio emulator start`) answer, from their base
 * URL. One server answers the Microsoft authority and both Xbox token hosts, so a profile
 * that signs in locally points its three endpoint overrides at paths of that one URL.
 * Shared so the emulator's banner, the profile editor's one-click fill and tests agree.
 */

/**
 * The application (client) id the emulator prints for local profiles. The stand-ins accept
 * any GUID (they check that one is sent, not which); a fixed one keeps examples copyable.
 */
export const LOCAL_SIGN_IN_CLIENT_ID = '0f5b3c2e-7d4a-4e69-9b1c-5a8d2e6f4c31';

export interface SignInEndpoints {
  authority: string;
  userAuthenticate: string;
  xstsAuthorize: string;
}

/** The three endpoint overrides for stand-ins at `baseUrl` (e.g. `http://127.0.0.1:7778`). */
export function localSignInEndpoints(baseUrl: string): SignInEndpoints {
  const base = baseUrl.trim().replace(/\/+$/, '');
  return {
    authority: `${base}/consumers`,
    userAuthenticate: `${base}/user/authenticate`,
    xstsAuthorize: `${base}/xsts/authorize`,
  };
}

/** The page where a person approves a device code on the stand-ins. */
export function localSignInLinkPage(baseUrl: string): string {
  return `${baseUrl.trim().replace(/\/+$/, '')}/link`;
}
