/**
 * The project's zod: zod/mini (functions instead of methods, so a bundle keeps only the parts
 * it calls: the page's budget, issue 12) with zod's English messages. zod/mini loads no
 * locale, and without one every message zod writes itself is "Invalid input"; classic zod
 * loaded English on import, and the words in validation.ts build on it ("received undefined"
 * becomes "Missing: ..."). Schemas import z from here so English is in place, in the page,
 * core, the CLI and the emulator alike, before anything is parsed. The locale is zod's global
 * configuration, so schemas written against 'zod/mini' directly get it too.
 */
// English alone: 'zod/locales' would load every language zod has (about 50 files) at each start.
import en from 'zod/v4/locales/en.js';
import * as z from 'zod/mini';

z.config(en());

export * from 'zod/mini';
