/**
 * A profile and the profile form's draft, as core stores one and the form checks one as the user
 * types, apart from the profile channels: the page imports these, and the contract re-exports
 * them, so the page's bundle can leave the channels and the token views out (its size budget,
 * issue 12).
 */
import * as z from '../zod.ts';
import { contractVersionSchema, sandboxIdSchema, scidSchema, xuidSchema } from '../mpsd/ids.ts';
import { titleIdAsTypedSchema } from '../mpsd/title-id-as-typed.ts';

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

export const profileIdSchema = z.uuid({ error: 'Profile id must be a UUID, as listProfiles returned it.' });

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
