import { z } from 'zod';
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
