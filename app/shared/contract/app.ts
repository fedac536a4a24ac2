import * as z from '../zod.ts';
import { channel } from './define.ts';

/** Facts about the running app that every screen may show. */
export const appInfoSchema = z.object({
  version: z.string(),
  /** Which front door this renderer came through. */
  shell: z.enum(['electron', 'browser']),
  platform: z.string(),
  dataDir: z.string(),
  /** Storage problems found at start-up (a damaged file kept aside, interrupted sends), for a banner. */
  notices: z.array(z.object({ message: z.string(), keptAside: z.optional(z.string()) })),
});
export type AppInfo = z.output<typeof appInfoSchema>;

export const appChannels = {
  getAppInfo: channel(z.strictObject({}), appInfoSchema, 'Version, shell, data folder, and storage problems found at start-up.'),
};
