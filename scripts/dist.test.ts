import { describe, expect, it } from 'vitest';
import { noticeLine, signingPlan } from './dist.ts';

describe('signingPlan', () => {
  it('builds unsigned with a notice, and keeps macOS from signing with a stray keychain identity, when no certificate is given', () => {
    expect(signingPlan('darwin', {})).toEqual({
      env: { CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
      notices: ['Code signing skipped: no CSC_LINK certificate was given, so the installers are unsigned.'],
    });
    expect(signingPlan('win32', { CSC_LINK: '' }).notices).toEqual([
      'Code signing skipped: no WIN_CSC_LINK or CSC_LINK certificate was given, so the installers are unsigned.',
    ]);
  });

  it('signs with the certificate from the environment, saying only what is still missing', () => {
    expect(signingPlan('win32', { WIN_CSC_LINK: 'base64-pfx' })).toEqual({ env: {}, notices: [] });
    expect(signingPlan('darwin', { CSC_LINK: 'base64-p12' })).toEqual({
      env: {},
      notices: [
        'Notarization skipped: APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID are not all given; Gatekeeper will warn on first open.',
      ],
    });
    expect(signingPlan('darwin', { CSC_LINK: 'p12', APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'b', APPLE_TEAM_ID: 'c' })).toEqual({
      env: {},
      notices: [],
    });
  });

  it('has nothing to say on Linux, whose packages are not signed', () => {
    expect(signingPlan('linux', {})).toEqual({ env: {}, notices: [] });
  });
});

describe('noticeLine', () => {
  it('is an annotation in GitHub Actions and a plain note elsewhere', () => {
    expect(noticeLine('Code signing skipped.', { GITHUB_ACTIONS: 'true' })).toBe('::notice title=Code signing::Code signing skipped.');
    expect(noticeLine('Code signing skipped.', {})).toBe('note: Code signing skipped.');
  });
});
