/**
 * What the Inspector's panels ask for, each kept in one object the screen holds and the panels
 * share: which profile a panel acts as (with the XUID typed for a pasted token), and which
 * session it names. The inspector and the pre-flight name the same session, so it is typed once.
 */
import type { SessionRef } from '../../../app/shared/mpsd/session-ref.ts';

export class ProfilePick {
  profileId = $state('');
  /** Typed only for a profile whose token was pasted: such a token does not say which user it is. */
  xuid = $state('');

  constructor(profileId: string) {
    this.profileId = profileId;
  }

  /** `{ xuid }` when one was typed: left out otherwise, so a signed-in profile's own is used. */
  get typedXuid(): { xuid?: string } {
    return this.xuid.trim() === '' ? {} : { xuid: this.xuid.trim() };
  }
}

export class SessionPick {
  by = $state<'handle' | 'ref'>('ref');
  handleId = $state('');
  scid = $state('');
  templateName = $state('');
  name = $state('');

  constructor(start: { handleId?: string | undefined; sessionRef?: SessionRef | undefined; scid?: string | undefined }) {
    this.by = start.handleId !== undefined && start.sessionRef === undefined ? 'handle' : 'ref';
    this.handleId = start.handleId ?? '';
    this.scid = start.sessionRef?.scid ?? start.scid ?? '';
    this.templateName = start.sessionRef?.templateName ?? '';
    this.name = start.sessionRef?.name ?? '';
  }

  /** The session as the invitee channels take it: a handle id, or a sessionRef. */
  get source(): { handleId: string } | { sessionRef: SessionRef } {
    return this.by === 'handle'
      ? { handleId: this.handleId.trim() }
      : { sessionRef: { scid: this.scid.trim(), templateName: this.templateName.trim(), name: this.name.trim() } };
  }
}
