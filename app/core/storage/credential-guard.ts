/**
 * The guard that keeps a credential out of everything Handle Studio writes or shows: the
 * history database, the outbox, the presets and profiles files, exports and the CLI's output.
 *
 * A credential is recognised two ways (docs/engineering.md, Secrets):
 * - by the tokens THIS process holds (`rememberToken`: XBL_AUTHORIZATION, a profile's token as
 *   read from the keychain, a token piped to the CLI): the token part and any run of 16 or more
 *   of its characters, however the text came in (a label, a session name, a preset's notes);
 * - by an exact credential shape a value never has by chance: an `XBL3.0 x=` value, a bearer
 *   token, an RPS ticket, or a JWT/JWE compact serialisation (XSTS and user tokens are JWEs:
 *   five base64url parts joined by dots, the first a JSON header, so `eyJ`). Long random-looking
 *   text alone is not enough: games rightly pass base64 blobs in a context.
 */
import { createSecretScrubber, type SecretScrubber } from '../mpsd/secret-scrubber.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import type { AuthorizationSource } from '../ports.ts';

/** `XBL3.0 x=<uhs>;<token>` with anything but the placeholder's angle-bracket parts. */
const REAL_XBL_VALUE = /XBL3\.0\s+x=(?!<uhs>;<token>)[^\s"]+;[^\s"]+/gi;
/** A bearer token or an RPS ticket someone pasted into a field. */
const OTHER_TOKEN = /\b(?:Bearer\s+[A-Za-z0-9._~+/-]{16,}|RpsTicket"?\s*[:=]\s*"?d=[^\s"]*)/gi;
/** A JWT (three parts) or JWE (five) in compact form: a base64url JSON header, then at least two more dot-separated parts. */
const JWT_OR_JWE = /eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){2,4}/g;
const SHAPES = [REAL_XBL_VALUE, OTHER_TOKEN, JWT_OR_JWE];

/** Scrubbers of the tokens this process has read, by token part. Process-wide: every store and printer asks the same question. */
const known = new Map<string, SecretScrubber>();

/**
 * Remembers a token this process holds (a whole `XBL3.0 x=<uhs>;<token>` value or a bare token),
 * so no field may carry it and no output shows it. Only main/core memory holds it.
 */
export function rememberToken(authorizationOrToken: string): void {
  const token = authorizationOrToken.slice(authorizationOrToken.indexOf(';') + 1).trim();
  // Scrubbed as the token part of a header (masked `<token>`), whatever form it was given in.
  if (token !== '' && !known.has(token)) known.set(token, createSecretScrubber(`XBL3.0 x=<uhs>;${token}`));
}

/** True when `text` holds a remembered token (or a long piece of it) or anything shaped like a credential. */
export function holdsCredential(text: string): boolean {
  for (const shape of SHAPES) if (text.search(shape) !== -1) return true;
  for (const scrubber of known.values()) if (scrubber.text(text) !== text) return true;
  return false;
}

/**
 * `text` with every remembered token and every credential shape masked: the second line of
 * defence for what is printed or exported, which may come from a file written before a field
 * was checked.
 */
export function withoutCredentials(text: string): string {
  // Shapes first: a remembered token shares runs with others of its kind (every XSTS token starts
  // with the same header), and masking that run first would leave the rest of one unrecognised.
  let clean = text.replace(REAL_XBL_VALUE, AUTHORIZATION_PLACEHOLDER).replace(OTHER_TOKEN, '<token>').replace(JWT_OR_JWE, '<token>');
  for (const scrubber of known.values()) clean = scrubber.text(clean);
  // A remembered token's part of an Authorization value leaves `XBL3.0 x=<uhs>;<token>` with the real user hash.
  return clean.replace(REAL_XBL_VALUE, AUTHORIZATION_PLACEHOLDER);
}

/**
 * The path of the first string in `value` that holds a credential (`notes`,
 * `recipientLabels.2814660000000002`, `request.sessionRef.name`), or undefined. Object keys are
 * checked too: a label map is keyed by what the user typed.
 */
export function fieldHoldingCredential(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return holdsCredential(value) ? path || 'value' : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = fieldHoldingCredential(item, `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      // A key holding one is named by where it is: the key itself is the value not to repeat.
      if (holdsCredential(key)) return path === '' ? 'a key' : `a key of ${path}`;
      const at = path === '' ? key : `${path}.${key}`;
      const found = fieldHoldingCredential(item, at);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Refuses user input that carries a credential, before anything is written or sent: VALIDATION
 * naming the field (never the value) and where tokens go instead. `action` says what was
 * refused ("Not sent", "Not saved").
 */
export function refuseCredentialFields(input: unknown, action: string): void {
  const field = fieldHoldingCredential(input);
  if (field === undefined) return;
  throw new HandleStudioError(
    'VALIDATION',
    `${action}: the field ${field} holds an Xbox Live token (or a long piece of it), which would be kept on disk and shown to others. ` +
      'Remove it from that field; a token belongs only in a profile (Profiles, Paste token, or `handle-studio profile set-token`) or in XBL_AUTHORIZATION.',
    { field },
  );
}

/** `source` remembering every token it hands out (see `rememberToken`). */
export function rememberingTokens(source: AuthorizationSource): AuthorizationSource {
  const remembered = (value: string) => {
    rememberToken(value);
    return value;
  };
  return {
    ...source,
    current: async () => remembered(await source.current()),
    renew: async () => remembered(await source.renew()),
    // The source's own `this` (the credentials service keeps state in its closure, not on `this`).
    ...(source.refused ? { refused: () => source.refused?.() } : {}),
  };
}

/**
 * `handlers` refusing any input with a credential in a field (see `refuseCredentialFields`),
 * except the channels in `exempt` that take a token where tokens go. For the channels in
 * `sends`, `readSendersTokens` runs first: a send reads its profile's token, so the check
 * compares the fields with it even in a process that had not read it yet.
 */
export function refusingCredentialFields<H extends Record<string, (input: never) => Promise<unknown>>>(
  handlers: H,
  options: { exempt: ReadonlySet<string>; sends: ReadonlySet<string>; readSendersTokens: (input: unknown) => Promise<void> },
): H {
  const guarded: Record<string, (input: never) => Promise<unknown>> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    const sends = options.sends.has(name);
    guarded[name] = options.exempt.has(name)
      ? handler
      : async (input) => {
          if (sends) await options.readSendersTokens(input);
          refuseCredentialFields(input, sends ? 'Not sent' : 'Not saved');
          return maskedAnswer(await handler(input));
        };
  }
  return guarded as H;
}

/**
 * An answer with any credential masked: a preset or History row an older build stored with a
 * token must not reach the renderer. Nearly every answer holds none, which one pass proves.
 */
function maskedAnswer(answer: unknown): unknown {
  if (answer === undefined || !holdsCredential(JSON.stringify(answer))) return answer;
  const mask = (node: unknown): unknown => {
    if (typeof node === 'string') return withoutCredentials(node);
    if (Array.isArray(node)) return node.map(mask);
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, mask(item)]));
    return node;
  };
  return mask(answer);
}

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
 * the placeholder, a remembered token, or anything shaped like a credential in its other text.
 * The stores' last line: user input was refused (or the exchange masked) before this.
 * `where` names the store for the message ("history", "outbox").
 */
export function assertNoCredentials(request: { headers?: Record<string, string> } & Record<string, unknown>, where: string): void {
  const problem =
    headerProblem(request.headers) ??
    (holdsCredential(JSON.stringify(request)) ? 'it contains an Xbox Live token or text shaped like one' : undefined);
  if (problem) {
    // The message names the problem, never the value.
    throw new HandleStudioError(
      'INTERNAL',
      `Refused to save a request to the ${where}: ${problem}. Requests must be masked before they are recorded.`,
    );
  }
}
