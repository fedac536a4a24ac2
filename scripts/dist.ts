/**
 * `npm run dist`: the real installers for the platform it runs on, as electron-builder.yml
 * describes them (Windows: nsis + portable, macOS: dmg, Linux: AppImage + deb), into dist/.
 * CI runs exactly this on each OS and keeps dist/ as the run's artifacts. Run `npm run build`
 * first (CI's `npm test` has built out/ already).
 *
 * Code signing comes from the environment electron-builder reads (CI fills it from secrets).
 * Without it the installers are built unsigned and a notice says so: in GitHub Actions as a
 * `::notice::` annotation on the run, elsewhere as a plain line.
 */
import { build } from 'electron-builder';

/** What signing this build will do, and the environment that makes electron-builder do it. */
export interface SigningPlan {
  env: Record<string, string>;
  notices: string[];
}

const has = (env: NodeJS.ProcessEnv, name: string) => (env[name] ?? '') !== '';

export function signingPlan(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): SigningPlan {
  const notices: string[] = [];
  const plan: Record<string, string> = {};
  if (platform === 'win32' || platform === 'darwin') {
    const certificate = platform === 'win32' ? has(env, 'WIN_CSC_LINK') || has(env, 'CSC_LINK') : has(env, 'CSC_LINK');
    if (!certificate) {
      notices.push(
        `Code signing skipped: no ${platform === 'win32' ? 'WIN_CSC_LINK or CSC_LINK' : 'CSC_LINK'} certificate was given, so the installers are unsigned.`,
      );
      // Otherwise electron-builder on macOS signs with whatever identity the login keychain holds.
      plan['CSC_IDENTITY_AUTO_DISCOVERY'] = 'false';
    }
    if (
      platform === 'darwin' &&
      certificate &&
      !['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'].every((name) => has(env, name))
    ) {
      notices.push(
        'Notarization skipped: APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID are not all given; Gatekeeper will warn on first open.',
      );
    }
  }
  // Linux packages (AppImage, deb) are not signed by electron-builder.
  return { env: plan, notices };
}

/** `::notice::` lines are annotations in GitHub Actions and noise anywhere else. */
export function noticeLine(text: string, env: NodeJS.ProcessEnv): string {
  return env['GITHUB_ACTIONS'] === 'true' ? `::notice title=Code signing::${text}` : `note: ${text}`;
}

async function main(): Promise<number> {
  const plan = signingPlan(process.platform, process.env);
  for (const notice of plan.notices) console.log(noticeLine(notice, process.env));
  Object.assign(process.env, plan.env);
  try {
    const artifacts = await build({ publish: 'never' });
    for (const artifact of artifacts) console.log(`built ${artifact}`);
    return 0;
  } catch (error) {
    console.error(`electron-builder failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (import.meta.main) process.exitCode = await main();
