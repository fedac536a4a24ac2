import * as z from '../zod.ts';
import { scidSchema, sessionNameSchema, templateNameSchema } from './ids.ts';

/** `{ scid, templateName, name }`: exactly the three keys MPSD expects. */
export const sessionRefSchema = z.strictObject({
  scid: scidSchema,
  templateName: templateNameSchema,
  name: sessionNameSchema,
});

export type SessionRef = z.output<typeof sessionRefSchema>;

/** The session's path under the MPSD host; every part is validated, so no escaping surprises. */
export function sessionPath(ref: SessionRef): string {
  return `/serviceconfigs/${ref.scid}/sessionTemplates/${ref.templateName}/sessions/${ref.name}`;
}

/** Same session: MPSD compares template and session names without case; the SCID is compared the same way here, to be safe. */
export function sameSession(a: SessionRef, b: SessionRef): boolean {
  return (
    a.scid.toLowerCase() === b.scid.toLowerCase() &&
    a.templateName.toLowerCase() === b.templateName.toLowerCase() &&
    a.name.toLowerCase() === b.name.toLowerCase()
  );
}

const SESSION_PATH = /^\/serviceconfigs\/([^/]+)\/sessiontemplates\/([^/]+)\/sessions\/([^/?#]+)\/?(?:[?#].*)?$/i;

/**
 * The session a `Content-Location` header names (MPSD sends it on `GET`/`PUT
 * /handles/{id}/session`, lower-case `sessiontemplates` included), or undefined when the
 * value is not a session path whose parts are valid names. A full URL is read by its path.
 */
export function sessionRefFromPath(location: string | undefined): SessionRef | undefined {
  if (location === undefined) return undefined;
  let path = location.trim();
  if (/^https?:\/\//i.test(path)) {
    try {
      path = new URL(path).pathname;
    } catch {
      return undefined;
    }
  }
  const match = SESSION_PATH.exec(path);
  if (match === null) return undefined;
  const parsed = sessionRefSchema.safeParse({ scid: match[1], templateName: match[2], name: match[3] });
  return parsed.success ? parsed.data : undefined;
}
