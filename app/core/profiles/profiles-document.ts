/**
 * The profiles file's shape and its upgrade path. The file holds settings only (no secret):
 * `{ schemaVersion, activeProfileId, profiles }`.
 *
 * Upgrades are explicit and step by step: each known older version has a function that
 * turns it into the next, and a version newer than this build knows is refused rather
 * than rewritten (an older build must not drop fields a newer one added).
 */
import * as z from '../../shared/zod.ts';
import { profileSchema } from '../../shared/contract/profiles.ts';
import { HandleStudioError } from '../../shared/errors.ts';

export const PROFILES_SCHEMA_VERSION = 1;

export const profilesDocumentSchema = z.strictObject({
  schemaVersion: z.literal(PROFILES_SCHEMA_VERSION),
  activeProfileId: z.nullable(z.string()),
  profiles: z.array(profileSchema),
});
export type ProfilesDocument = z.output<typeof profilesDocumentSchema>;

export function emptyProfilesDocument(): ProfilesDocument {
  return { schemaVersion: PROFILES_SCHEMA_VERSION, activeProfileId: null, profiles: [] };
}

/**
 * Upgrades one version to the next. Version 0 is a file with no `schemaVersion`: the empty
 * `{}` a store writes before anything is saved.
 */
const upgrades: Record<number, (document: Record<string, unknown>) => Record<string, unknown>> = {
  0: (document) => ({
    schemaVersion: 1,
    activeProfileId: typeof document['activeProfileId'] === 'string' ? document['activeProfileId'] : null,
    profiles: Array.isArray(document['profiles']) ? document['profiles'] : [],
  }),
};

/** A file a newer Handle Studio wrote: this build may show it, never rewrite it. */
export class NewerProfilesFileError extends HandleStudioError {
  readonly version: number;

  constructor(version: number) {
    super(
      'STORAGE',
      `The profiles file was written by a newer Handle Studio (schema ${version}; this version reads up to ${PROFILES_SCHEMA_VERSION}): update Handle Studio to change profiles.`,
    );
    this.version = version;
  }
}

/** The profile fields this build knows; a newer file's other fields are left alone. */
const knownProfileFields = Object.keys(profileSchema.def.in.shape);

/**
 * What this build can read of a newer file, to show it read-only: each profile with the
 * fields this build knows. A profile that still does not fit is left out and counted.
 */
export function readNewerProfilesDocument(stored: Record<string, unknown>): { document: ProfilesDocument; unreadable: number } {
  const listed = Array.isArray(stored['profiles']) ? (stored['profiles'] as unknown[]) : [];
  const profiles = listed.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const known = Object.fromEntries(Object.entries(entry).filter(([field]) => knownProfileFields.includes(field)));
    const parsed = profileSchema.safeParse(known);
    return parsed.success ? [parsed.data] : [];
  });
  const active = stored['activeProfileId'];
  const activeProfileId = profiles.some((profile) => profile.id === active) ? (active as string) : (profiles[0]?.id ?? null);
  return { document: { schemaVersion: PROFILES_SCHEMA_VERSION, activeProfileId, profiles }, unreadable: listed.length - profiles.length };
}

/**
 * Brings a stored document to the current version and checks it. Fields added with
 * defaults since a profile was saved (contract version, locale) are filled in by the schema.
 * Throws STORAGE when the document cannot be read as profiles (NewerProfilesFileError for a newer file).
 */
export function migrateProfilesDocument(stored: unknown): ProfilesDocument {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw new HandleStudioError('STORAGE', 'The profiles file does not hold an object.');
  }
  let document = stored as Record<string, unknown>;
  let version = document['schemaVersion'] === undefined ? 0 : document['schemaVersion'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new HandleStudioError('STORAGE', 'The profiles file has no valid schemaVersion.');
  }
  if (version > PROFILES_SCHEMA_VERSION) throw new NewerProfilesFileError(version);
  while (version < PROFILES_SCHEMA_VERSION) {
    const upgrade = upgrades[version];
    if (!upgrade) throw new HandleStudioError('STORAGE', `No upgrade from profiles schema ${version}.`);
    document = upgrade(document);
    version += 1;
  }
  const checked = profilesDocumentSchema.safeParse(document);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new HandleStudioError(
      'STORAGE',
      `The profiles file is not valid at ${issue?.path.join('.') || 'the top level'}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  const profiles = checked.data.profiles;
  const activeProfileId = profiles.some((profile) => profile.id === checked.data.activeProfileId)
    ? checked.data.activeProfileId
    : (profiles[0]?.id ?? null);
  return { ...checked.data, activeProfileId };
}
