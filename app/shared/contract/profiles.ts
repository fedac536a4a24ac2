/**
 * Profiles (one per sandbox/environment a developer works in) and their credentials, as the
 * renderer sees them. Shared so the profile form can validate as the user types.
 *
 * Nothing here carries a secret: outputs describe a token (who, until when, from where),
 * never the token, the user hash or the Authorization value. Inputs that do carry one
 * (`pasteToken`) are parsed in main and the value goes straight to the vault.
 */
import * as z from '../zod.ts';
import { contractVersionSchema, sandboxIdSchema, scidSchema, xuidSchema } from '../mpsd/ids.ts';
import { titleIdAsTypedSchema } from '../mpsd/title-id-as-typed.ts';
import { channel, event } from './define.ts';

/** The one MPSD host of the real service. */
export const PRODUCTION_ENDPOINT = 'https://sessiondirectory.xboxlive.com';

export const environments = ['production', 'local', 'custom'] as const;

/**
 * How the profile's title sets activities and sends invites: MPSD handles, or Multiplayer
 * Activity (MPA) for titles on PlayFab Lobby/Party or their own servers. One per title:
 * Microsoft advises not to mix them (mpa.md §6).
 */
export const profileServices = ['mpsd', 'mpa'] as const;
export type ProfileService = (typeof profileServices)[number];
export type Environment = (typeof environments)[number];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * A base URL that may receive an Authorization header: https anywhere, plain http only on
 * this machine (the local emulator), so a token never crosses a network unencrypted.
 */
function serviceUrl(what: string, example: string) {
  return z.pipe(
    z.string({ error: `${what} is required, e.g. ${example}.` }).check(
      z.trim(),
      z.superRefine((value, ctx) => {
        let url: URL;
        try {
          url = new URL(value);
        } catch {
          ctx.addIssue({ code: 'custom', message: `${what} must be a full URL, e.g. ${example}.` });
          return;
        }
        if (url.protocol === 'https:') return;
        if (url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname)) return;
        ctx.addIssue({
          code: 'custom',
          message: `${what} must use https (plain http is allowed only for 127.0.0.1 or localhost, where tokens never leave this computer).`,
        });
      }),
    ),
    z.transform((value) => value.replace(/\/+$/, '')),
  );
}

/** Where the sign-in chain goes; every part defaults to Microsoft's real host. Overridden for the local stand-ins and tests. */
export const tokenEndpointsSchema = z.strictObject({
  /** Microsoft account authority, default https://login.microsoftonline.com/consumers. */
  authority: z.optional(serviceUrl('Authority URL', 'https://login.microsoftonline.com/consumers')),
  /** Default https://user.auth.xboxlive.com/user/authenticate. */
  userAuthenticate: z.optional(serviceUrl('User token URL', 'https://user.auth.xboxlive.com/user/authenticate')),
  /** Default https://xsts.auth.xboxlive.com/xsts/authorize. */
  xstsAuthorize: z.optional(serviceUrl('XSTS URL', 'https://xsts.auth.xboxlive.com/xsts/authorize')),
});

export const profileAuthSchema = z.strictObject({
  /** The application (client) id your organisation registered in Azure for Xbox Live sign-in. */
  msaClientId: z.optional(
    z.pipe(
      z.string().check(
        z.trim(),
        z.refine((value) => GUID.test(value), {
          error:
            "Application (client) id must be a GUID from your organisation's Azure app registration, e.g. 1f907974-e22b-4810-a9de-d9647380c97e.",
        }),
      ),
      z.transform((value) => value.toLowerCase()),
    ),
  ),
  tokenEndpoints: z.optional(tokenEndpointsSchema),
});

const profileNameSchema = z
  .string({ error: 'Profile name is required.' })
  .check(
    z.trim(),
    z.minLength(1, { error: 'Profile name is required, e.g. "ABCD.3 dev".' }),
    z.maxLength(60, { error: 'Profile name is at most 60 characters.' }),
  );

export const localeSchema = z
  .string()
  .check(z.trim(), z.regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { error: 'Locale must be a language tag such as en-US or fr-FR.' }));

const profileIdSchema = z.uuid({ error: 'Profile id must be a UUID, as listProfiles returned it.' });

/** The fields every profile has, before the environment/endpoint rule is applied. */
const profileFields = {
  name: profileNameSchema,
  environment: z.enum(environments, { error: 'Environment must be production, local or custom.' }),
  /** MPSD base URL. Production always uses PRODUCTION_ENDPOINT; local and custom need one. */
  endpoint: z.optional(serviceUrl('Endpoint', 'http://127.0.0.1:7777')),
  sandboxId: sandboxIdSchema,
  /** As typed (Partner Center's hex stays hex); Compose and new presets start from it. */
  defaultTitleId: z.optional(titleIdAsTypedSchema),
  defaultScid: z.optional(scidSchema),
  /**
   * The profile's own user, for requests that name it (joining a session first). Filled in
   * when a token or sign-in names the user; typed by the user when the token does not.
   */
  xuid: z.optional(xuidSchema),
  contractVersion: z._default(contractVersionSchema, 107),
  locale: z._default(localeSchema, 'en-US'),
  auth: z._default(profileAuthSchema, {}),
  /** Profiles saved before the choice existed are MPSD profiles. */
  service: z._default(z.enum(profileServices, { error: 'Service must be mpsd (MPSD handles) or mpa (Multiplayer Activity).' }), 'mpsd'),
};

/** Fills the production endpoint and insists on one for local/custom. */
function withEndpointRule<T extends { environment: Environment; endpoint?: string | undefined }>(
  profile: T,
  ctx: z.core.ParsePayload,
): T & { endpoint: string } {
  if (profile.environment === 'production') {
    if (profile.endpoint !== undefined && profile.endpoint !== PRODUCTION_ENDPOINT) {
      ctx.issues.push({
        code: 'custom',
        input: profile,
        path: ['endpoint'],
        message: `Production profiles always use ${PRODUCTION_ENDPOINT}: choose "custom" to use another URL.`,
      });
    }
    return { ...profile, endpoint: PRODUCTION_ENDPOINT };
  }
  if (profile.endpoint === undefined) {
    ctx.issues.push({
      code: 'custom',
      input: profile,
      path: ['endpoint'],
      message:
        profile.environment === 'local'
          ? "Endpoint is required for a local profile: the local MPSD's URL, e.g. http://127.0.0.1:7777."
          : 'Endpoint is required for a custom profile: the MPSD base URL to call.',
    });
    return z.NEVER;
  }
  return { ...profile, endpoint: profile.endpoint };
}

/** A stored profile. */
export const profileSchema = z.pipe(
  z.strictObject({ id: profileIdSchema, ...profileFields }),
  z.transform((profile, ctx) => withEndpointRule(profile, ctx)),
);
export type Profile = z.output<typeof profileSchema>;

/** What the profile form sends: a new profile (no id) or changes to an existing one (with its id). */
export const profileDraftSchema = z.pipe(
  z.strictObject({ id: z.optional(profileIdSchema), ...profileFields }),
  z.transform((profile, ctx) => withEndpointRule(profile, ctx)),
);
export type ProfileDraft = z.input<typeof profileDraftSchema>;

/** What the UI may know about a profile's token, and nothing more. */
export const tokenStateSchema = z.object({
  /**
   * 'refused': MPSD answered 401 to this token even after the one renewal; it is not used again until a new one is stored.
   * 'unreadable': the keychain holds an entry for this profile that cannot be read (see `problem`); it is kept until replaced.
   */
  state: z.enum(['none', 'pasted', 'signed-in', 'expiring', 'expired', 'refused', 'keychain-unavailable', 'unreadable']),
  /** Where the token came from, so "expiring"/"expired" can offer the right fix (paste again or sign in again). */
  source: z.optional(z.enum(['pasted', 'signed-in'])),
  gamertag: z.optional(z.string()),
  xuid: z.optional(z.string()),
  /** ISO-8601; absent when a pasted token's expiry is unknown. */
  expiresAt: z.optional(z.string()),
  privileges: z.optional(z.array(z.number())),
  /** ISO-8601: when MPSD refused the token (state 'refused'). */
  refusedAt: z.optional(z.string()),
  /** Where this profile's secrets are kept: the OS keychain, or memory for this run only. */
  vault: z.enum(['keychain', 'memory']),
  /** State 'unreadable': why the entry cannot be read and how to replace it (never any of its content). */
  problem: z.optional(z.string()),
});
export type TokenState = z.output<typeof tokenStateSchema>;

/** A profile as listed: its settings, whether it is the active one, and its token's state. */
export const profileViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  environment: z.enum(environments),
  endpoint: z.string(),
  sandboxId: z.string(),
  defaultTitleId: z.optional(z.string()),
  defaultScid: z.optional(z.string()),
  xuid: z.optional(z.string()),
  contractVersion: z.number(),
  locale: z.string(),
  service: z.enum(profileServices),
  auth: z.object({
    msaClientId: z.optional(z.string()),
    tokenEndpoints: z.optional(
      z.object({ authority: z.optional(z.string()), userAuthenticate: z.optional(z.string()), xstsAuthorize: z.optional(z.string()) }),
    ),
  }),
  active: z.boolean(),
  token: tokenStateSchema,
});
export type ProfileView = z.output<typeof profileViewSchema>;

const profileRefSchema = z.strictObject({ profileId: profileIdSchema });

/**
 * A pasted token: the whole header value, or the user hash and token separately; with an
 * optional expiry (ISO-8601) when the token's own expiry cannot be read.
 */
export const pasteTokenInputSchema = z
  .strictObject({
    profileId: profileIdSchema,
    authorization: z.optional(
      z.string().check(z.maxLength(20_000, { error: 'The pasted header is too long: paste only the Authorization value.' })),
    ),
    userHash: z.optional(
      z.string().check(z.maxLength(100, { error: 'The user hash is too long: it is the short part between "x=" and ";".' })),
    ),
    token: z.optional(z.string().check(z.maxLength(20_000, { error: 'The token is too long: paste only the XSTS token.' }))),
    expiresAt: z.optional(z.iso.datetime({ offset: true, error: 'Expiry must be a date and time, e.g. 2026-05-01T18:00:00Z.' })),
  })
  .check(
    z.superRefine((input, ctx) => {
      const whole = input.authorization !== undefined && input.authorization.trim() !== '';
      const parts = input.userHash !== undefined || input.token !== undefined;
      if (whole && parts) {
        ctx.addIssue({ code: 'custom', message: 'Paste either the whole Authorization value or the user hash and token, not both.' });
      } else if (!whole && !(input.userHash?.trim() && input.token?.trim())) {
        ctx.addIssue({
          code: 'custom',
          message: 'Paste the whole Authorization value (XBL3.0 x=<uhs>;<token>), or both the user hash and the token.',
        });
      }
    }),
  );
export type PasteTokenInput = z.output<typeof pasteTokenInputSchema>;

export const signInMethods = ['browser', 'device-code'] as const;
export type SignInMethod = (typeof signInMethods)[number];

export const profileChannels = {
  listProfiles: channel(
    z.strictObject({}),
    z.object({
      profiles: z.array(profileViewSchema),
      activeProfileId: z.nullable(z.string()),
      /** Set when the profiles file was damaged at start-up and kept aside. */
      notice: z.optional(z.object({ message: z.string(), keptAside: z.string() })),
    }),
    'Every profile with its token state, and which one is active.',
  ),
  saveProfile: channel(profileDraftSchema, profileViewSchema, 'Creates a profile (no id) or replaces one (with id). Names are unique.'),
  removeProfile: channel(profileRefSchema, z.object({ removed: z.boolean() }), 'Deletes a profile and its keychain entries.'),
  activateProfile: channel(profileRefSchema, profileViewSchema, 'Makes a profile the one requests use.'),
  getTokenState: channel(profileRefSchema, tokenStateSchema, "What is known about a profile's token (never the token)."),
  pasteToken: channel(pasteTokenInputSchema, tokenStateSchema, 'Stores a pasted XBL3.0 token for a profile in the vault.'),
  signIn: channel(
    z.strictObject({
      profileId: profileIdSchema,
      method: z.enum(signInMethods, { error: 'Sign-in method must be browser or device-code.' }),
    }),
    tokenStateSchema,
    "Signs in with a Microsoft test account and gets an XSTS token for the profile's sandbox. Progress comes as signInProgress events.",
  ),
  cancelSignIn: channel(profileRefSchema, z.object({ cancelled: z.boolean() }), 'Stops a sign-in that is waiting for the user.'),
  signOut: channel(profileRefSchema, tokenStateSchema, "Forgets the profile's token and Microsoft account sign-in."),
  keepSecretsInMemory: channel(
    z.strictObject({}),
    z.object({ vault: z.enum(['keychain', 'memory']) }),
    'When the OS keychain is unavailable: keep secrets in memory for this run only.',
  ),
};

export const profileEvents = {
  profilesChanged: event(
    z.object({ activeProfileId: z.nullable(z.string()), profileIds: z.array(z.string()) }),
    'A profile was added, changed, removed or activated, or its token changed.',
  ),
  signInProgress: event(
    z.object({
      profileId: z.string(),
      stage: z.enum(['browser-opened', 'device-code', 'getting-xbox-token', 'signed-in', 'failed', 'cancelled']),
      /** Device-code flow: the code to type and where. */
      userCode: z.optional(z.string()),
      verificationUri: z.optional(z.string()),
      /** ISO-8601: when the device code stops working. */
      expiresAt: z.optional(z.string()),
      message: z.string(),
    }),
    'Where a sign-in is, with the device code to show.',
  ),
};
