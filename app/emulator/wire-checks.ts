/**
 * The emulator's own, hand-written reading of MPSD's wire rules. It deliberately does not
 * reuse the client's zod schemas: a stand-in that shares the client's checks would agree
 * with the client's bugs instead of catching them.
 *
 * A check that fails throws an `MpsdRefusal`, which the server turns into the HTTP answer
 * (400 with a text/plain reason that names the field, unless said otherwise).
 */

/** An answer MPSD gives instead of doing the work: status, text and extra headers. */
export class MpsdRefusal extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** A JSON body for refusals that carry one (429); otherwise the message is sent as text. */
  readonly json: unknown;

  constructor(status: number, message: string, headers: Record<string, string> = {}, json?: unknown) {
    super(message);
    this.name = 'MpsdRefusal';
    this.status = status;
    this.headers = headers;
    this.json = json;
  }
}

/** Throws a 400 naming what was wrong; the common case, so it gets a short name. */
export function badRequest(message: string): never {
  throw new MpsdRefusal(400, message);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^[0-9]+$/;
/** Template and session names are URL path segments on MPSD; '.' is allowed, but not as a whole dot segment. */
const MPSD_NAME = /^(?!\.{1,2}$)[A-Za-z0-9_.-]{1,99}$/;
const UINT64_MAX = 18446744073709551615n;
const UINT32_MAX = 4294967295n;

/** True for a GUID in any letter case. */
export function isGuid(value: unknown): value is string {
  return typeof value === 'string' && GUID.test(value);
}

/** True for a template or session name MPSD can put in a URL path. */
export function isMpsdName(value: unknown): value is string {
  return typeof value === 'string' && MPSD_NAME.test(value);
}

/** True for a canonical decimal XUID (no leading zeros, 1 to 2^64-1). */
export function isXuid(value: unknown): value is string {
  return typeof value === 'string' && /^[1-9][0-9]{0,19}$/.test(value) && BigInt(value) <= UINT64_MAX;
}

/** True for a canonical decimal title id (0 to 2^32-1). */
export function isTitleId(value: unknown): value is string {
  return typeof value === 'string' && /^(?:0|[1-9][0-9]{0,9})$/.test(value) && BigInt(value) <= UINT32_MAX;
}

/** A plain JSON object (not null, not an array), or a 400 naming `field`. */
export function checkObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    badRequest(`${field} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

/** Refuses keys MPSD would not expect, naming the first one and what is allowed there. */
export function checkKeys(value: Record<string, unknown>, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const where = field === '' ? key : `${field}.${key}`;
      badRequest(`${where} is not a field MPSD accepts here; remove it (allowed: ${allowed.join(', ')}).`);
    }
  }
}

/** A GUID (SCIDs compare case-insensitively, so it comes back lower-case), or a 400 naming `field`. */
export function checkGuid(value: unknown, field: string): string {
  if (typeof value !== 'string') badRequest(`${field} is required and must be a GUID string.`);
  if (!GUID.test(value)) {
    badRequest(`${field} must be a GUID like bd6c41c3-01c3-468a-a3b5-3e0fe8133862, got "${value.slice(0, 60)}".`);
  }
  return value.toLowerCase();
}

/** A template or session name: letters, digits, '.', '-' and '_', 1 to 99 characters (XSAPI keeps names in 100-byte null-terminated buffers). */
export function checkMpsdName(value: unknown, field: string): string {
  if (typeof value !== 'string') badRequest(`${field} is required and must be a string.`);
  if (!MPSD_NAME.test(value)) {
    badRequest(`${field} must be 1 to 99 letters, digits, '.', '-' or '_' (not just '.' or '..').`);
  }
  return value;
}

/** An unsigned integer sent as a decimal string; JSON numbers are refused (they lose precision). */
function checkDecimalString(value: unknown, field: string, max: bigint, example: string): string {
  if (typeof value === 'number') {
    badRequest(`${field} must be a decimal string such as "${example}", not a JSON number.`);
  }
  if (typeof value !== 'string') badRequest(`${field} is required and must be a decimal string such as "${example}".`);
  if (!DECIMAL.test(value) || value.length > 20) {
    badRequest(`${field} must hold decimal digits only, such as "${example}".`);
  }
  const parsed = BigInt(value);
  if (parsed > max) badRequest(`${field} is larger than ${max}.`);
  // Leading zeros would make two spellings of one id; MPSD sends canonical decimals.
  if (parsed.toString() !== value) badRequest(`${field} must not have leading zeros.`);
  return value;
}

/** A XUID: uint64 above zero, as a decimal string. */
export function checkXuid(value: unknown, field: string): string {
  const xuid = checkDecimalString(value, field, UINT64_MAX, '2814679796296491');
  if (xuid === '0') badRequest(`${field} must not be 0.`);
  return xuid;
}

/** A title id: uint32 as a decimal string (Partner Center's hex form is the client's job to convert). */
export function checkTitleId(value: unknown, field: string): string {
  return checkDecimalString(value, field, UINT32_MAX, '1234');
}

/** An optional attribute: absent is fine, an empty or non-string value is not. */
export function checkOptionalText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') badRequest(`${field} must be a string when present.`);
  if (value === '') badRequest(`${field} must be omitted rather than sent as an empty string.`);
  return value;
}

/** An optional JSON boolean; strings such as "true" are refused. */
export function checkOptionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') badRequest(`${field} must be true or false.`);
  return value;
}

/** `x-xbl-contract-version`: present and one of the versions this call speaks. */
export function checkContractVersion(header: string | undefined, allowed: readonly number[]): number {
  const list = allowed.join(', ');
  if (header === undefined || header.trim() === '') {
    badRequest(`The x-xbl-contract-version header is required; send one of ${list}.`);
  }
  const version = Number(header.trim());
  if (!Number.isInteger(version) || !allowed.includes(version)) {
    badRequest(`x-xbl-contract-version "${header.slice(0, 20)}" is not supported for this call; send one of ${list}.`);
  }
  return version;
}

/** Bodies must be declared as JSON, e.g. `application/json; charset=utf-8`. */
export function checkJsonContentType(header: string | undefined): void {
  const mediaType = header?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    badRequest(
      header === undefined
        ? 'The Content-Type header is required on a body; send application/json; charset=utf-8.'
        : `Content-Type "${header.slice(0, 60)}" is not accepted; send application/json; charset=utf-8.`,
    );
  }
}

/** Parses a request body as JSON, or a 400 that says where it broke. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') badRequest('The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    badRequest(`The request body is not valid JSON (${(error as Error).message}).`);
  }
}
