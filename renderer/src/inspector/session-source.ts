/** The session a panel names, as the invitee channels take it: a handle id, or a sessionRef. */
export function sessionSource(by: 'handle' | 'ref', handleId: string, scid: string, templateName: string, name: string) {
  return by === 'handle'
    ? { handleId: handleId.trim() }
    : { sessionRef: { scid: scid.trim(), templateName: templateName.trim(), name: name.trim() } };
}

/** `{ xuid }` when one was typed: left out otherwise, so a signed-in profile's own is used. */
export function typedXuid(xuid: string): { xuid?: string } {
  return xuid.trim() === '' ? {} : { xuid: xuid.trim() };
}
