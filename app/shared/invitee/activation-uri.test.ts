import { describe, expect, it } from 'vitest';
import { activationOpenSupport, activityHandleJoinUri, inviteHandleAcceptUri } from './activation-uri.ts';

const handleId = '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13';

describe('activation URIs', () => {
  it('inviteHandleAccept carries handle, invitedXuid, senderXuid and context, in the documented order', () => {
    const uri = inviteHandleAcceptUri({
      platform: 'pc',
      titleId: '1234',
      handleId,
      invitedXuid: '2',
      senderXuid: '1',
      context: 'raid 7&mode=hard',
    });
    expect(uri).toBe(
      `ms-xbl-multiplayer://inviteHandleAccept?handle=${handleId}&invitedXuid=2&senderXuid=1&context=raid%207%26mode%3Dhard`,
    );
    expect(inviteHandleAcceptUri({ platform: 'pc', titleId: '1234', handleId, invitedXuid: '2', senderXuid: '1' })).toMatch(/&context=$/);
  });

  it('activityHandleJoin keeps the documented "?&"', () => {
    expect(activityHandleJoinUri({ platform: 'pc', titleId: '1234', handleId, joinerXuid: '2', joineeXuid: '1' })).toBe(
      `ms-xbl-multiplayer://activityHandleJoin?&handle=${handleId}&joinerXuid=2&joineeXuid=1`,
    );
  });

  it('a console URI names the title id in lower-case hex', () => {
    expect(activityHandleJoinUri({ platform: 'console', titleId: String(0x7a970ea1), handleId, joinerXuid: '2', joineeXuid: '1' })).toMatch(
      /^ms-xbl-7a970ea1:\/\/activityHandleJoin\?&/,
    );
  });

  it('only Windows can open the PC scheme, and it says that is untested', () => {
    expect(activationOpenSupport('linux', 'pc').canOpen).toBe(false);
    expect(activationOpenSupport('win32', 'console').canOpen).toBe(false);
    const windows = activationOpenSupport('win32', 'pc');
    expect(windows.canOpen).toBe(true);
    expect(windows.why).toContain('Untested');
  });
});
