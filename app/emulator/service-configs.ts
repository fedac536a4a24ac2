/**
 * Which service configs and templates the local MPSD pretends exist. With no lists every
 * SCID and template is accepted; with lists, the rest answer as MPSD does for a SCID the
 * caller cannot use (403) or a template that was never ingested (404).
 */
import { MpsdRefusal } from './wire-checks.ts';

export interface ServiceConfigAccess {
  /** Throws MpsdRefusal 403 for a SCID outside `allowedScids`. */
  checkScid(scid: string): void;
  /** Throws 403 for the SCID as above, then 404 for a template outside `allowedTemplates`. */
  checkTemplate(scid: string, templateName: string): void;
}

/** The lists are checked by `startLocalMpsd`; absent means "everything exists". */
export function createServiceConfigAccess(allowedScids?: readonly string[], allowedTemplates?: readonly string[]): ServiceConfigAccess {
  const scids = allowedScids === undefined ? null : new Set(allowedScids.map((scid) => scid.toLowerCase()));
  // Template names are compared case-insensitively, so a list typed from Partner Center matches.
  const templates = allowedTemplates === undefined ? null : new Set(allowedTemplates.map((name) => name.toLowerCase()));

  function checkScid(scid: string): void {
    if (scids !== null && !scids.has(scid.toLowerCase())) {
      throw new MpsdRefusal(403, 'The requested service config cannot be accessed.');
    }
  }

  return {
    checkScid,
    checkTemplate(scid, templateName) {
      checkScid(scid);
      if (templates !== null && !templates.has(templateName.toLowerCase())) {
        throw new MpsdRefusal(404, "The requested session template wasn't found.");
      }
    },
  };
}
