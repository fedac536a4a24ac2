/**
 * The last line of defence that keeps a real Authorization value out of the history
 * database, the outbox and the presets file. The MPSD client masks the header before
 * anything is recorded; this refuses to store a request where that did not happen,
 * instead of writing a secret.
 */
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import { HandleStudioError } from '../../shared/errors.ts';

/** `XBL3.0 x=<uhs>;<token>` with anything but the placeholder's angle-bracket parts. */
const REAL_XBL_VALUE = /XBL3\.0\s+x=(?!<uhs>;<token>)[^\s"]+;[^\s"]+/i;
/** A bearer token or an RPS ticket someone pasted into a field. */
const OTHER_TOKEN = /\b(Bearer\s+[A-Za-z0-9._~+/-]{16,}|RpsTicket"?\s*[:=]\s*"?d=)/i;

function headerProblem(headers: Record<string, string> | undefined): string | undefined {
  if (!headers) return undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization' && value !== AUTHORIZATION_PLACEHOLDER) {
      return `its Authorization header holds a real value instead of the placeholder ${AUTHORIZATION_PLACEHOLDER}`;
    }
  }
  return undefined;
}

/**
 * Throws INTERNAL when `request` carries a credential: an Authorization header other than
 * the placeholder, or anything shaped like an XBL3.0 / bearer token in its other text.
 * `where` names the store for the message ("history", "outbox").
 */
export function assertNoCredentials(request: { headers?: Record<string, string> } & Record<string, unknown>, where: string): void {
  const text = JSON.stringify(request);
  const problem =
    headerProblem(request.headers) ??
    (REAL_XBL_VALUE.test(text) || OTHER_TOKEN.test(text) ? 'it contains text shaped like an Xbox Live token' : undefined);
  if (problem) {
    // The message names the problem, never the value.
    throw new HandleStudioError(
      'INTERNAL',
      `Refused to save a request to the ${where}: ${problem}. Requests must be masked before they are recorded.`,
    );
  }
}
