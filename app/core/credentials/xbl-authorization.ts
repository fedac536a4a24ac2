/**
 * The `Authorization: XBL3.0 x=<uhs>;<token>` value: reading one a developer pasted (from
 * Fiddler, a trace, or uhs and token separately) and writing one for MPSD.
 *
 * Every message here describes what is wrong with the shape and never quotes the value,
 * because the value is a secret.
 */
import { HandleStudioError } from '../../shared/errors.ts';

export interface XblCredential {
  /** The user hash that names the caller inside the header. */
  uhs: string;
  /** The XSTS token. */
  token: string;
}

const UHS = /^[A-Za-z0-9]{1,64}$/;
// XSTS tokens are JWE/JWT compact serialisations: base64url segments joined by dots. Be a
// little wider (standard base64, padding) because traces sometimes show them that way.
const TOKEN = /^[A-Za-z0-9\-_.+/=]+$/;
const TOKEN_MIN = 16;
const TOKEN_MAX = 16_384;

/** Formats the header value MPSD expects. */
export function formatXblAuthorization(credential: XblCredential): string {
  return `XBL3.0 x=${credential.uhs};${credential.token}`;
}

/**
 * Parses a whole pasted header value. Accepts an optional leading `Authorization:` (copied
 * with the header name) and surrounding whitespace or quotes.
 */
export function parseXblAuthorization(pasted: string): XblCredential {
  let text = pasted
    .trim()
    .replace(/^["']|["']$/g, '')
    .trim();
  text = text.replace(/^authorization\s*:\s*/i, '');
  const match = /^XBL3\.0\s+x=([^;]*);(.*)$/s.exec(text);
  if (!match) {
    throw new HandleStudioError(
      'VALIDATION',
      'The pasted value is not an Xbox Live Authorization header: it must look like XBL3.0 x=<uhs>;<token> (copy the whole Authorization value of an MPSD request).',
      { field: 'authorization' },
    );
  }
  return checkXblCredential({ uhs: match[1]!.trim(), token: match[2]!.trim() });
}

/** Checks a user hash and token given separately (or split from a header). */
export function checkXblCredential(credential: XblCredential): XblCredential {
  if (!UHS.test(credential.uhs)) {
    throw new HandleStudioError(
      'VALIDATION',
      'The user hash (uhs) must be 1 to 64 letters or digits: it is the part between "x=" and ";" in the header.',
      { field: 'userHash' },
    );
  }
  if (credential.token.length < TOKEN_MIN || credential.token.length > TOKEN_MAX) {
    throw new HandleStudioError(
      'VALIDATION',
      `The token must be between ${TOKEN_MIN} and ${TOKEN_MAX} characters: paste the whole XSTS token (everything after ";").`,
      { field: 'token' },
    );
  }
  if (!TOKEN.test(credential.token)) {
    throw new HandleStudioError(
      'VALIDATION',
      'The token may only hold base64 characters and dots: remove spaces, line breaks or quotes that came along with the copy.',
      { field: 'token' },
    );
  }
  return credential;
}

/**
 * The expiry of a token that is a plain JWT with an `exp` claim, as epoch milliseconds.
 * XSTS tokens are usually encrypted (JWE, five segments), so this is often undefined.
 */
export function jwtExpiry(token: string): number | undefined {
  const segments = token.split('.');
  if (segments.length !== 3) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(segments[1]!, 'base64url').toString('utf8'));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
