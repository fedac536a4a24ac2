/**
 * Which `x-xbl-contract-version` each call may be sent with. MPSD's REST reference says every
 * session and activity/invite handle call (`POST /handles`, `/handles/query`, `GET`/`DELETE
 * /handles/{id}`, `GET`/`PUT /handles/{id}/session`, the session URIs) "requires
 * X-Xbl-Contract-Version: 104/105 or later", and 104 and 105 are the same schema. Transfer and
 * search handles are not in that reference at all: they arrived with contract 107 and the only
 * documented client of them (XSAPI) sends 107, so they are offered with 107 only (inferred:
 * no document says an older version is refused, none says it works).
 */
import { HandleStudioError } from '../errors.ts';
import { contractVersions, type ContractVersion } from './ids.ts';
import type { RequestKind } from './wire.ts';

const ONLY_107: readonly ContractVersion[] = [107];

const versionsByKind: Readonly<Record<RequestKind, readonly ContractVersion[]>> = {
  'activity.set': contractVersions,
  'activity.clear': contractVersions,
  'activity.query': contractVersions,
  'invite.send': contractVersions,
  'handle.get': contractVersions,
  'handle.delete': contractVersions,
  'handle.session': contractVersions,
  'handle.join': contractVersions,
  'transfer.create': ONLY_107,
  'search.create': ONLY_107,
  'search.query': ONLY_107,
  'session.join': contractVersions,
  'session.get': contractVersions,
  'session.leave': contractVersions,
};

/** The contract versions `kind` may be sent with, oldest first. */
export function contractVersionsFor(kind: RequestKind): readonly ContractVersion[] {
  return versionsByKind[kind];
}

/** `104, 105 or 107` / `107 only`, for help texts and messages. */
export function describeContractVersions(kind: RequestKind): string {
  const versions = contractVersionsFor(kind);
  if (versions.length === 1) return `${versions[0]} only`;
  return `${versions.slice(0, -1).join(', ')} or ${versions.at(-1)}`;
}

/** Throws VALIDATION, saying which versions would do, when `kind` cannot be sent with `version`. */
export function checkContractVersion(kind: RequestKind, version: ContractVersion): void {
  // A wire read back from storage is checked by its own schema; an unknown kind is not judged here.
  const versions = versionsByKind[kind] as readonly ContractVersion[] | undefined;
  if (versions === undefined || versions.includes(version)) return;
  throw new HandleStudioError(
    'VALIDATION',
    `A ${kind} request is sent with contract version ${describeContractVersions(kind)}, not ${version}: choose ${contractVersionsFor(kind).at(-1)} (in the profile, or with --contract).`,
    { field: 'contractVersion', kind, contractVersion: version, supported: [...contractVersionsFor(kind)] },
  );
}
