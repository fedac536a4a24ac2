/**
 * The identifiers MPSD speaks, as zod schemas whose messages tell a person how to fix
 * the value. Parsing also normalises where the wire has one form: title ids given in hex
 * become the decimal string the wire wants, XUIDs lose leading zeros. SCIDs and names are
 * sent exactly as typed (see each schema for why).
 */
import * as z from '../zod.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UINT64_MAX = 18446744073709551615n;
const UINT32_MAX = 4294967295;

/**
 * Service configuration id: a GUID, sent exactly as typed. Microsoft's client documents the
 * SCID as case-sensitive ("paste it directly from Partner Center", XSAPI multiplayer_c.h)
 * while the service docs compare it case-insensitively (mpsd-handles.md, as the local MPSD
 * does); keeping the case typed is right under either reading.
 */
export const scidSchema = z.string({ error: 'SCID is required: the service configuration id from Partner Center, a GUID.' }).check(
  z.trim(),
  z.refine((value) => GUID.test(value), {
    error: 'SCID must be a GUID like bd6c41c3-01c3-468a-a3b5-3e0fe8133862 (copy it from Partner Center > Xbox services; its case is kept).',
  }),
);

/** A GUID handle id (handles are immutable pointers named by GUID). */
export const handleIdSchema = z.pipe(
  z.string({ error: 'Handle id is required.' }).check(
    z.trim(),
    z.refine((value) => GUID.test(value), { error: 'Handle id must be a GUID, as MPSD returned it.' }),
  ),
  z.transform((value) => value.toLowerCase()),
);

/**
 * MPSD names (templates, sessions) are URL path segments that Microsoft's client inserts
 * without escaping, and MPSD's docs give no character list of their own (they show names
 * such as `session-49`, `XWIN_7ce1...`, `samplelobbytemplate107`; names compare
 * case-insensitively). So a name may hold what a path segment carries unescaped and
 * unchanged: letters, digits, '-', '_' and '.'. The segments `.` and `..` are refused,
 * because every URL parser rewrites them into a different path. Microsoft's client keeps
 * each name in a null-terminated 100-byte buffer (XBL_MULTIPLAYER_SESSION_NAME_MAX_LENGTH and
 * XBL_MULTIPLAYER_SESSION_TEMPLATE_NAME_MAX_LENGTH in XSAPI's multiplayer_c.h), so a title
 * built on it can only address names of at most 99 characters: longer ones are refused here
 * rather than producing a session the game itself could never open.
 */
const NAME = /^[A-Za-z0-9._-]+$/;
const MPSD_NAME_MAX = 99;

function mpsdName(what: string, example: string) {
  return z.string({ error: `${what} is required.` }).check(
    z.trim(),
    z.minLength(1, { error: `${what} is required, e.g. ${example}.` }),
    z.maxLength(MPSD_NAME_MAX, {
      error: `${what} is at most ${MPSD_NAME_MAX} characters (Microsoft's client cannot address longer names).`,
    }),
    z.refine((value) => NAME.test(value), {
      error: `${what} may only hold letters, digits, '-', '_' and '.' (e.g. ${example}): it is part of the URL path.`,
    }),
    z.refine((value) => value !== '.' && value !== '..', {
      error: `${what} cannot be "." or "..": URLs read those as "this folder" and "the folder above".`,
    }),
  );
}

export const templateNameSchema = mpsdName('Template name', 'GameSession');
export const sessionNameSchema = mpsdName('Session name', 'lobby-7');

/** Xbox user id: an unsigned 64-bit integer above 0, always sent as a decimal string. */
export const xuidSchema = z.pipe(
  z.string({ error: 'XUID is required: the decimal Xbox user id, e.g. 2814679796296491.' }).check(
    z.trim(),
    z.refine((value) => /^[0-9]+$/.test(value), {
      error: 'XUID must be decimal digits only, e.g. 2814679796296491.',
    }),
    // Any run of digits reaches the range check, so 23 digits reads "out of range", not "digits only".
    z.refine((value) => !/^[0-9]+$/.test(value) || (BigInt(value) > 0n && BigInt(value) <= UINT64_MAX), {
      error: 'XUID must be a number between 1 and 18446744073709551615.',
    }),
  ),
  z.transform((value) => BigInt(value).toString()),
);

/** Title id: uint32, typed as decimal or Partner Center's 0x hex; sent as a decimal string. */
export const titleIdSchema = z.pipe(
  z.union([z.string(), z.number()], { error: 'Title id is required, in decimal (1234) or hex (0x4D2).' }),
  z.transform((raw, ctx) => {
    const text = String(raw).trim();
    const parsed = /^0x[0-9a-f]{1,8}$/i.test(text)
      ? Number.parseInt(text.slice(2), 16)
      : /^[0-9]{1,10}$/.test(text)
        ? Number(text)
        : Number.NaN;
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > UINT32_MAX) {
      ctx.issues.push({
        code: 'custom',
        input: raw,
        message: `Title id "${text}" is not a 32-bit number: give it in decimal (1234) or hex (0x4D2).`,
      });
      return z.NEVER;
    }
    return String(parsed);
  }),
);

/** `x-xbl-contract-version`: Microsoft's client sends 107; 104 and 105 are accepted for handles. */
export const contractVersions = [104, 105, 107] as const;
export type ContractVersion = (typeof contractVersions)[number];
export const contractVersionSchema = z.union([z.literal(104), z.literal(105), z.literal(107)], {
  error: "Contract version must be 104, 105 or 107 (107 is what Microsoft's client sends).",
});

/** Sandbox id: `<PUBLISHER>.<n>` (case-sensitive) or the built-in RETAIL and CERT. */
export const sandboxIdSchema = z.string({ error: 'Sandbox id is required, e.g. XDKS.1.' }).check(
  z.trim(),
  z.refine((value) => /^[A-Z0-9]{2,16}\.[0-9]{1,6}$/.test(value) || value === 'RETAIL' || value === 'CERT', {
    error: 'Sandbox id must look like ABCD.3 (publisher, a dot, a number; upper-case), or be RETAIL or CERT.',
  }),
);
