/**
 * Session templates per SCID and template name, as Partner Center would have ingested them
 * (mpsd-sessions-and-invitees.md §2). A template holds only constants; a session starts as
 * its copy. Loaded from JSON (`emulator start --templates FILE`); `default-templates.json`
 * ships beside this file.
 *
 * File shape: `{ "serviceConfigs": { "<scid>" | "*": { "<templateName>": { "contractVersion"?: 104|105|107,
 * "constants": { "system"?: {...}, "custom"?: {...} } } } } }`. `"*"` stands for every SCID
 * not listed by itself; template names compare case-insensitively.
 */
import { fileURLToPath } from 'node:url';
import * as z from '../shared/zod.ts';
import { keyedBy, parseSetup, readSetupFile } from './config-files.ts';
import type { SystemConstants } from './session-constants.ts';
import { constantRuleProblem, systemConstantsSchema } from './session-constants.ts';
import { MpsdRefusal, isGuid, isMpsdName } from './wire-checks.ts';

export interface SessionTemplate {
  name: string;
  /** The contract the template was written for; decides defaults such as inactiveRemovalTimeout. */
  contractVersion: 104 | 105 | 107;
  system: SystemConstants;
  custom: Record<string, unknown>;
}

export interface TemplateCatalog {
  /** The template, or throws MpsdRefusal 404 with MPSD's text (FAQ:72). */
  find(scid: string, templateName: string): SessionTemplate;
  /** True when the SCID has any templates (queries name only a SCID). */
  hasScid(scid: string): boolean;
}

export const DEFAULT_TEMPLATES_FILE = fileURLToPath(new URL('./default-templates.json', import.meta.url));

export const SERVICE_CONFIG_NOT_CONFIGURED = 'The requested service config is either invalid or not configured for sessions.';

const templateSchema = z.strictObject({
  contractVersion: z._default(
    z.union([z.literal(104), z.literal(105), z.literal(107)], { message: 'contractVersion must be 104, 105 or 107' }),
    107,
  ),
  constants: z._default(
    z.strictObject({
      system: z._default(systemConstantsSchema, {}),
      custom: z._default(z.record(z.string(), z.unknown()), {}),
    }),
    { system: {}, custom: {} },
  ),
});

const templatesFileSchema = z.strictObject({
  serviceConfigs: keyedBy(
    (scid) => scid === '*' || isGuid(scid),
    'each key of serviceConfigs must be a SCID GUID or "*"',
    keyedBy(
      isMpsdName,
      "template names are 1 to 99 letters, digits, '.', '-' or '_'",
      templateSchema.check(
        z.superRefine((template, context) => {
          const problem = constantRuleProblem(template.constants.system);
          if (problem !== null) context.addIssue({ code: 'custom', path: ['constants', 'system'], message: problem });
        }),
      ),
    ),
  ),
});

type TemplatesFile = z.output<typeof templatesFileSchema>;

function catalogOf(file: TemplatesFile): TemplateCatalog {
  const byScid = new Map<string, Map<string, SessionTemplate>>();
  for (const [scid, templates] of Object.entries(file.serviceConfigs)) {
    const named = new Map<string, SessionTemplate>();
    for (const [name, template] of Object.entries(templates)) {
      named.set(name.toLowerCase(), {
        name,
        contractVersion: template.contractVersion,
        system: template.constants.system,
        custom: template.constants.custom,
      });
    }
    byScid.set(scid.toLowerCase(), named);
  }
  const templatesOf = (scid: string) => byScid.get(scid.toLowerCase()) ?? byScid.get('*');
  return {
    find(scid, templateName) {
      const template = templatesOf(scid)?.get(templateName.toLowerCase());
      if (template === undefined) throw new MpsdRefusal(404, SERVICE_CONFIG_NOT_CONFIGURED);
      return template;
    },
    hasScid: (scid) => (templatesOf(scid)?.size ?? 0) > 0,
  };
}

/** A catalog from a templates document already in memory (`where` names it in errors). */
export function templateCatalogFrom(value: unknown, where: string): TemplateCatalog {
  return catalogOf(parseSetup(templatesFileSchema, value, where));
}

/** Reads a templates file; throws VALIDATION naming the file, the field and the fix. */
export function loadTemplateCatalog(path: string = DEFAULT_TEMPLATES_FILE): TemplateCatalog {
  return catalogOf(readSetupFile(path, templatesFileSchema, 'templates'));
}
