/**
 * A draft (the Compose form's fields as typed, saved by the app) read back as a request.
 * Field names are the Compose form's: scid, templateName, sessionName, invitees (one
 * "XUID label" line each), titleId, context, contextString, senderString, handleId,
 * ownerXuid, queryXuids, monikerXuid, memberXuid, letServiceNameSession, useMoniker,
 * moniker. Nothing is checked here: the request schema judges the result at send time, as
 * the drafts contract promises.
 */
import type { Draft } from '../shared/contract/drafts.ts';
import type { HandleRequestInput } from '../shared/mpsd/requests.ts';

export interface DraftRequest {
  request: HandleRequestInput;
  recipientLabels: Record<string, string> | undefined;
}

const SEPARATORS = /[\s,;]+/;

/**
 * Invitee lines as the form keeps them: "XUID", "XUID label", "XUID, label", or several
 * bare XUIDs on one line.
 */
export function inviteesFromLines(lines: readonly string[]): { xuids: string[]; labels: Record<string, string> } {
  const xuids: string[] = [];
  const labels: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (/^[0-9]+(?:[\s,;]+[0-9]+)*$/.test(line)) {
      xuids.push(...line.split(SEPARATORS));
      continue;
    }
    const match = /^(\S+?)[\s,;]+(.*)$/.exec(line);
    const xuid = match === null ? line : match[1]!;
    xuids.push(xuid);
    const label = match?.[2]?.trim();
    if (label && /^[0-9]+$/.test(xuid) && !(xuid in labels)) labels[xuid] = label;
  }
  return { xuids, labels };
}

/** The request a draft describes (blank fields left out, so the schema says "required"). */
export function requestFromDraft(draft: Pick<Draft, 'kind' | 'fields'>): DraftRequest {
  const fields = draft.fields;
  const given = (name: string): string | undefined => {
    const value = fields[name];
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
  };
  const sessionRef = { scid: given('scid'), templateName: given('templateName'), name: given('sessionName') };
  const kind = draft.kind;
  let request: Record<string, unknown>;
  let recipientLabels: Record<string, string> | undefined;
  switch (kind) {
    case 'activity.set':
      request =
        fields['letServiceNameSession'] === true
          ? { kind, sessionRef: { scid: sessionRef.scid, templateName: sessionRef.templateName }, letServiceNameSession: true }
          : { kind, sessionRef };
      break;
    case 'invite.send': {
      const lines = fields['invitees'];
      const invitees = inviteesFromLines(Array.isArray(lines) ? lines : typeof lines === 'string' ? lines.split(/\r?\n/) : []);
      recipientLabels = Object.keys(invitees.labels).length > 0 ? invitees.labels : undefined;
      request = {
        kind,
        sessionRef,
        invitedXuids: invitees.xuids,
        titleId: given('titleId'),
        context: given('context'),
        contextString: given('contextString')?.trim(),
        senderString: given('senderString')?.trim(),
      };
      break;
    }
    case 'activity.clear':
      request = { kind, scid: given('scid'), ownerXuid: given('ownerXuid') };
      break;
    case 'activity.query':
      request =
        fields['useMoniker'] === true
          ? { kind, scid: given('scid'), people: { moniker: given('moniker') ?? 'people', monikerXuid: given('monikerXuid') } }
          : { kind, scid: given('scid'), xuids: (given('queryXuids') ?? '').split(SEPARATORS).filter((xuid) => xuid !== '') };
      break;
    case 'handle.get':
    case 'handle.delete':
    case 'handle.session':
      request = { kind, handleId: given('handleId') };
      break;
    case 'session.join':
      request = { kind, sessionRef, xuid: given('memberXuid') };
      break;
    case 'session.get':
    case 'session.leave':
      request = { kind, sessionRef };
      break;
  }
  // A JSON round trip drops the fields left undefined at every depth, so a blank field reads as
  // "missing" and the schema (which decides whether this is a valid request) says it is required.
  return { request: JSON.parse(JSON.stringify(request)) as HandleRequestInput, recipientLabels };
}
