/**
 * The invitee box takes what people paste: one XUID per line with an optional label
 * ("2814679796296491 Alice", "2814679796296491, Alice", tab-separated from a spreadsheet),
 * or several bare XUIDs on one line separated by spaces, commas or semicolons. Compose,
 * the preset editor and the CLI (sending a saved draft) all read it here, so a draft sends
 * the same invitees from either.
 * XUIDs are not checked here: the shared schema does that and the form maps its messages
 * back to the line they came from.
 */
export interface InviteeLine {
  /** As typed; the schema normalises it. */
  xuid: string;
  label?: string;
  /** 1-based line in the box, for messages. */
  line: number;
}

const ONLY_NUMBERS = /^[0-9]+(?:[\s,;]+[0-9]+)*$/;
const SEPARATOR = /[\s,;]+/;

/** The box's text as typed. */
export function parseInvitees(text: string): InviteeLine[] {
  return parseInviteeLines(text.split(/\r?\n/));
}

/** The box as a draft stores it: one entry per line. */
export function parseInviteeLines(lines: readonly string[]): InviteeLine[] {
  const invitees: InviteeLine[] = [];
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    if (ONLY_NUMBERS.test(line)) {
      for (const xuid of line.split(SEPARATOR)) invitees.push({ xuid, line: index + 1 });
      return;
    }
    const match = /^(\S+?)[\s,;]+(.*)$/.exec(line);
    if (match === null) {
      invitees.push({ xuid: line, line: index + 1 });
      return;
    }
    const label = match[2]!.trim();
    invitees.push(label === '' ? { xuid: match[1]!, line: index + 1 } : { xuid: match[1]!, label, line: index + 1 });
  });
  return invitees;
}

/** The labels to send with the request, keyed by XUID (the first label given for a XUID wins). */
export function recipientLabels(invitees: readonly InviteeLine[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const invitee of invitees) {
    if (invitee.label !== undefined && /^[0-9]+$/.test(invitee.xuid) && !(invitee.xuid in labels)) {
      labels[invitee.xuid] = invitee.label;
    }
  }
  return labels;
}

/** Back to the box's text, for opening a draft, preset or history entry in Compose. */
export function formatInvitees(xuids: readonly string[], labels: Readonly<Record<string, string>> = {}): string {
  return xuids.map((xuid) => (labels[xuid] ? `${xuid} ${labels[xuid]}` : xuid)).join('\n');
}
