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

/**
 * The stand-ins listen on the port after the MPSD's (7777 -> 7778), so a profile set up once
 * for the default ports keeps working across restarts; 0 (any free port) stays 0.
 */
export function standInsPortBeside(mpsdPort: number): number {
  return mpsdPort === 0 || mpsdPort >= 65535 ? 0 : mpsdPort + 1;
}

/** Where `emulator start` puts the stand-ins for an MPSD at `mpsdEndpoint`, when that is a fixed loopback port. */
export function standInsUrlBeside(mpsdEndpoint: string): string | undefined {
  let url: URL;
  try {
    url = new URL(mpsdEndpoint.trim());
  } catch {
    return undefined;
  }
  const port = Number(url.port);
  if (url.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(url.hostname) || standInsPortBeside(port) === 0) return undefined;
  return `http://${url.hostname}:${standInsPortBeside(port)}`;
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
