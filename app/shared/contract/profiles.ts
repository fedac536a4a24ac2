/**
 * Profiles (one per sandbox/environment a developer works in) and their credentials, as the
 * renderer sees them. Shared so the profile form can validate as the user types.
 *
 * Nothing here carries a secret: outputs describe a token (who, until when, from where),
 * never the token, the user hash or the Authorization value. Inputs that do carry one
 * (`pasteToken`) are parsed in main and the value goes straight to the vault.
 */
import * as z from '../zod.ts';
import { environments, profileDraftSchema, profileIdSchema, profileServices } from '../profiles/profile-schema.ts';
import { channel, event } from './define.ts';

export {
  environments,
  localeSchema,
  PRODUCTION_ENDPOINT,
  profileAuthSchema,
  profileDraftSchema,
  profileSchema,
  profileServices,
  tokenEndpointsSchema,
  type Environment,
  type Profile,
  type ProfileDraft,
  type ProfileService,
} from '../profiles/profile-schema.ts';

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
