/**
 * A session's system constants (`constants.system`), as templates set them and a creating PUT
 * may add to them (mpsd-sessions-and-invitees.md §2). One schema serves the templates file and
 * request bodies, so a template can hold exactly what a session can. Stored in contract 107's
 * shape; `timeouts` / `managedInitialization` (104/105) are converted on the way in and out.
 */
import * as z from '../shared/zod.ts';

export const visibilities = ['private', 'visible', 'open'] as const;
export type Visibility = (typeof visibilities)[number];
export const inviteProtocols = ['game', 'tournamentgame', 'chat', 'gameparty'] as const;
export const capabilityNames = [
  'gameplay',
  'crossPlay',
  'userAuthorizationStyle',
  'hasOwners',
  'searchable',
  'suppressPresenceActivityCheck',
  'connectionRequiredForActiveMembers',
  'large',
] as const;
export type Capability = (typeof capabilityNames)[number];

/** MPSD's upper bound on a session's size, and the bound with the `large` capability. */
export const MAX_MEMBERS_LIMIT = 100;
export const LARGE_MEMBERS_LIMIT = 1000;

/** Milliseconds; `null` means "never" (a template writes null to beat a default, DET:443-447). */
const timeout = z.nullable(
  z.number().check(z.int(), z.gte(0, 'a timeout is 0 or more milliseconds'), z.lte(2 ** 31, 'a timeout is at most 2147483648 ms')),
);

const memberInitialization = z.strictObject({
  joinTimeout: z.optional(timeout),
  measurementTimeout: z.optional(timeout),
  evaluationTimeout: z.optional(timeout),
  externalEvaluation: z.optional(z.boolean()),
  membersNeededToStart: z.optional(z.number().check(z.int(), z.gte(1), z.lte(LARGE_MEMBERS_LIMIT))),
});

/** Values compare case-insensitively (XSAPI fixtures write `Open`); stored lower-case. */
function lowerChoice<T extends string>(choices: readonly T[]) {
  return z.pipe(
    z
      .pipe(
        z.string({ message: `must be one of ${choices.join(', ')}` }),
        z.transform((value) => value.toLowerCase()),
      )
      .check(
        z.refine((value): value is T => (choices as readonly string[]).includes(value), {
          message: `must be one of ${choices.join(', ')}`,
        }),
      ),
    z.transform((value) => value as T),
  );
}

export const systemConstantsSchema = z.strictObject({
  visibility: z.optional(lowerChoice(visibilities)),
  maxMembersCount: z.optional(
    z
      .number()
      .check(
        z.int('must be a whole number'),
        z.gte(1, 'must be at least 1'),
        z.lte(LARGE_MEMBERS_LIMIT, `must be at most ${LARGE_MEMBERS_LIMIT} (more than ${MAX_MEMBERS_LIMIT} needs capabilities.large)`),
      ),
  ),
  inviteProtocol: z.optional(z.enum(inviteProtocols, { message: `must be one of ${inviteProtocols.join(', ')}` })),
  reservedRemovalTimeout: z.optional(timeout),
  inactiveRemovalTimeout: z.optional(timeout),
  readyRemovalTimeout: z.optional(timeout),
  sessionEmptyTimeout: z.optional(timeout),
  capabilities: z.optional(
    z.partialRecord(z.enum(capabilityNames, { message: `is not a capability; use ${capabilityNames.join(', ')}` }), z.boolean()),
  ),
  memberInitialization: z.optional(memberInitialization),
  ownershipPolicies: z.optional(z.strictObject({ migration: z.enum(['endsession', 'oldest']) })),
  allowNonOwnerInviteHandles: z.optional(z.boolean()),
});

export type SystemConstants = z.output<typeof systemConstantsSchema>;
export type Timeouts = Pick<
  SystemConstants,
  'reservedRemovalTimeout' | 'inactiveRemovalTimeout' | 'readyRemovalTimeout' | 'sessionEmptyTimeout'
>;

/** The contract-104/105 names of the four timeouts (MSD:384-409). */
const TIMEOUT_NAMES = {
  reserved: 'reservedRemovalTimeout',
  inactive: 'inactiveRemovalTimeout',
  ready: 'readyRemovalTimeout',
  sessionEmpty: 'sessionEmptyTimeout',
} as const;

/** What a session gets when neither its template nor its creator set a value (TC:25-31; §7 for 104/105). */
export function constantDefaults(templateContract: number): Required<Timeouts> & { visibility: Visibility; maxMembersCount: number } {
  return {
    visibility: 'open',
    maxMembersCount: MAX_MEMBERS_LIMIT,
    reservedRemovalTimeout: 30_000,
    // 107 removes inactive members at once by default; 104/105 waited two hours.
    inactiveRemovalTimeout: templateContract >= 107 ? 0 : 7_200_000,
    readyRemovalTimeout: 180_000,
    sessionEmptyTimeout: 0,
  };
}

/** Problems MPSD refuses across fields (TC:25, 58, 64, 273-274); null when the constants hang together. */
export function constantRuleProblem(constants: SystemConstants): string | null {
  const capabilities = constants.capabilities ?? {};
  if ((constants.maxMembersCount ?? 0) > MAX_MEMBERS_LIMIT && capabilities.large !== true) {
    return `maxMembersCount ${constants.maxMembersCount} is over ${MAX_MEMBERS_LIMIT}; that needs capabilities.large: true.`;
  }
  if (capabilities.userAuthorizationStyle === true && capabilities.large === true) {
    return 'capabilities.userAuthorizationStyle cannot be used on a large session; drop one of them.';
  }
  if (capabilities.searchable === true && capabilities.userAuthorizationStyle === true && capabilities.hasOwners !== true) {
    return 'capabilities.searchable with userAuthorizationStyle needs capabilities.hasOwners: true.';
  }
  if (
    (constants.ownershipPolicies !== undefined || constants.allowNonOwnerInviteHandles !== undefined) &&
    capabilities.hasOwners !== true
  ) {
    return 'ownershipPolicies and allowNonOwnerInviteHandles only apply with capabilities.hasOwners: true.';
  }
  return null;
}

/**
 * Contract 104/105 body parts in 107's shape: `timeouts{reserved,...}` becomes the flat
 * fields and `managedInitialization{autoEvaluate}` becomes `memberInitialization{externalEvaluation}`.
 * Returns a problem sentence for a field of the other contract.
 */
export function constantsFromContract(system: Record<string, unknown>, contract: number): Record<string, unknown> | string {
  const { timeouts, managedInitialization, ...rest } = system;
  if (contract >= 107) {
    if (timeouts !== undefined)
      return 'constants.system.timeouts is the contract 104/105 form; with contract 107 send reservedRemovalTimeout, inactiveRemovalTimeout, readyRemovalTimeout and sessionEmptyTimeout.';
    if (managedInitialization !== undefined)
      return 'constants.system.managedInitialization is the contract 104/105 form; with contract 107 send memberInitialization.';
    return system;
  }
  for (const flat of [...Object.values(TIMEOUT_NAMES), 'memberInitialization']) {
    if (flat in rest)
      return `constants.system.${flat} is the contract 107 form; with contract ${contract} send ${flat === 'memberInitialization' ? 'managedInitialization' : 'timeouts { reserved, inactive, ready, sessionEmpty }'}.`;
  }
  const converted: Record<string, unknown> = { ...rest };
  if (timeouts !== undefined) {
    if (typeof timeouts !== 'object' || timeouts === null || Array.isArray(timeouts))
      return 'constants.system.timeouts must be a JSON object.';
    for (const [key, value] of Object.entries(timeouts)) {
      const flat = TIMEOUT_NAMES[key as keyof typeof TIMEOUT_NAMES];
      if (flat === undefined) return `constants.system.timeouts.${key} is not a timeout; use reserved, inactive, ready or sessionEmpty.`;
      converted[flat] = value;
    }
  }
  if (managedInitialization !== undefined) {
    if (typeof managedInitialization !== 'object' || managedInitialization === null || Array.isArray(managedInitialization)) {
      return 'constants.system.managedInitialization must be a JSON object.';
    }
    const { autoEvaluate, ...initialization } = managedInitialization as Record<string, unknown>;
    if (autoEvaluate !== undefined && typeof autoEvaluate !== 'boolean')
      return 'constants.system.managedInitialization.autoEvaluate must be true or false.';
    converted.memberInitialization = autoEvaluate === undefined ? initialization : { ...initialization, externalEvaluation: !autoEvaluate };
  }
  return converted;
}

/** Stored (107) constants as a caller of `contract` reads them. */
export function constantsForContract(system: SystemConstants, contract: number): Record<string, unknown> {
  // A null timeout is "never", which the wire says by leaving the field out.
  if (contract >= 107) return Object.fromEntries(Object.entries(system).filter(([, value]) => value !== null));
  const { memberInitialization, reservedRemovalTimeout, inactiveRemovalTimeout, readyRemovalTimeout, sessionEmptyTimeout, ...rest } =
    system;
  const rendered: Record<string, unknown> = { ...rest };
  const timeouts: Record<string, number> = {};
  const flat = { reservedRemovalTimeout, inactiveRemovalTimeout, readyRemovalTimeout, sessionEmptyTimeout };
  for (const [short, long] of Object.entries(TIMEOUT_NAMES)) {
    const value = flat[long];
    // Missing means "never" on the wire.
    if (typeof value === 'number') timeouts[short] = value;
  }
  rendered.timeouts = timeouts;
  if (memberInitialization !== undefined) {
    const { externalEvaluation, ...initialization } = memberInitialization;
    rendered.managedInitialization =
      externalEvaluation === undefined ? initialization : { ...initialization, autoEvaluate: !externalEvaluation };
  }
  return rendered;
}
