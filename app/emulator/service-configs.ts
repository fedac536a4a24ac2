/**
 * Which service configs and templates the local MPSD has. A SCID outside `allowedScids`
 * answers as MPSD does for a SCID the caller cannot use (403, FAQ:51); a SCID or template
 * the template catalog (or `allowedTemplates`) does not have answers 404 with MPSD's text (FAQ:72).
 */
import type { TemplateCatalog } from './templates.ts';
import { SERVICE_CONFIG_NOT_CONFIGURED } from './templates.ts';
import { MpsdRefusal } from './wire-checks.ts';

export interface ServiceConfigAccess {
  /** Throws MpsdRefusal 403 for a SCID outside `allowedScids`, 404 for one without templates. */
  checkScid(scid: string): void;
  /** Throws as checkScid, then 404 for a template that is not configured. */
  checkTemplate(scid: string, templateName: string): void;
}

/** The lists are checked by `startLocalMpsd`; absent means "whatever the catalog has". */
export function createServiceConfigAccess(
  catalog: TemplateCatalog,
  allowedScids?: readonly string[],
  allowedTemplates?: readonly string[],
): ServiceConfigAccess {
  const scids = allowedScids === undefined ? null : new Set(allowedScids.map((scid) => scid.toLowerCase()));
  // Template names are compared case-insensitively, so a list typed from Partner Center matches.
  const templates = allowedTemplates === undefined ? null : new Set(allowedTemplates.map((name) => name.toLowerCase()));

  function checkScid(scid: string): void {
    if (scids !== null && !scids.has(scid.toLowerCase())) {
      throw new MpsdRefusal(403, 'The requested service config cannot be accessed.');
    }
    if (!catalog.hasScid(scid)) throw new MpsdRefusal(404, SERVICE_CONFIG_NOT_CONFIGURED);
  }

  return {
    checkScid,
    checkTemplate(scid, templateName) {
      checkScid(scid);
      if (templates !== null && !templates.has(templateName.toLowerCase())) throw new MpsdRefusal(404, SERVICE_CONFIG_NOT_CONFIGURED);
      catalog.find(scid, templateName);
    },
  };
}
