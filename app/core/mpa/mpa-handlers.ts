/**
 * The page's MPA channels: `sendMpa` runs the same sender the CLI uses (so pacing, sequence
 * numbers and, once queued, the outbox behave alike), and `openActivationUri` hands a URI the
 * app built to the shell that can open it: Electron main passes `shell.openExternal`; browser
 * mode and the CLI pass nothing, since only the desktop app is meant to start a title.
 */
import type { HandlersFor } from '../../shared/contract/define.ts';
import type { mpaChannels } from '../../shared/contract/mpa.ts';
import { HandleStudioError } from '../../shared/errors.ts';
import { activationOpenRefusal } from '../../shared/invitee/open-activation.ts';
import type { MpaSend } from './mpa-sender.ts';
import type { MpaResult } from './mpa-service.ts';

export interface MpaHandlerDeps {
  sendMpa(send: MpaSend): Promise<MpaResult>;
  /** Opens a URI with the OS (Electron's shell.openExternal); undefined where the app cannot. */
  openExternal: ((uri: string) => Promise<void>) | undefined;
  /** The OS at the time of the call (process.platform), so a test can play another one. */
  os(): string;
}

export function createMpaHandlers(deps: MpaHandlerDeps): HandlersFor<typeof mpaChannels> {
  return {
    sendMpa: ({ profileId, request, queueIfUnavailable }) =>
      deps.sendMpa({
        request,
        ...(profileId === undefined ? {} : { profileId }),
        ...(queueIfUnavailable === undefined ? {} : { queueIfUnavailable }),
      }),
    openActivationUri: async ({ uri }) => {
      const refusal = activationOpenRefusal(uri, deps.os());
      if (refusal !== undefined) throw new HandleStudioError('VALIDATION', refusal);
      if (deps.openExternal === undefined) {
        throw new HandleStudioError(
          'FORBIDDEN',
          'Only the desktop app opens activation URIs; in browser mode copy the URI and run start "" "<uri>" in a Windows command prompt.',
        );
      }
      await deps.openExternal(uri);
      return { opened: true };
    },
  };
}
