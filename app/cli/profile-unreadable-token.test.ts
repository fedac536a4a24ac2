/**
 * One profile's keychain entry that cannot be read (written by a newer or broken build,
 * edited by hand) must not hide the others: `profile list` shows every profile and marks
 * that one UNREADABLE with why and how to fix it, and exits 0; `profile show` of it says the
 * same. The entry is kept, not deleted. Runs the real CLI against the real keychain (npm test
 * runs inside a private gnome-keyring; elsewhere the test is skipped).
 */
import { describe, expect, it } from 'vitest';
import { openKeychainVault } from '../core/credentials/keychain-vault.ts';
import { secretKey } from '../core/credentials/secret-keys.ts';
import { PRODUCT_NAME } from '../core/data-dir.ts';
import type { ProfileView } from '../shared/contract/profiles.ts';
import { useCliWorld } from './cli-world.fixture.ts';

const AUTHORIZATION = `XBL3.0 x=1234567890123456789;${'A'.repeat(64)}`;
const world = useCliWorld();
const cli = (args: string[], stdin?: string) => world.cli(args, stdin === undefined ? {} : { stdin });

describe('a keychain entry that cannot be read', () => {
  it(
    'is marked UNREADABLE with the fix by profile list and show; every other profile is listed; exit 0',
    { timeout: 120_000 },
    async (context) => {
      for (const name of ['Good dev', 'Broken dev'])
        await world.addProfile(name, 'http://127.0.0.1:9', {
          token: { authorization: AUTHORIZATION, skip: (reason) => context.skip(reason) },
        });
      const before = JSON.parse((await cli(['profile', 'list', '--json'])).stdout) as { profiles: ProfileView[] };
      const broken = before.profiles.find((profile) => profile.name === 'Broken dev');
      expect(broken).toBeDefined();
      const key = secretKey(broken?.id ?? '', 'xsts');
      const vault = await openKeychainVault({ service: PRODUCT_NAME });
      await vault.set(key, '{"v":99,"written":"by a newer build"}');

      const listed = await cli(['profile', 'list']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/Good dev\n.*\n {4}token: pasted/);
      expect(listed.stdout).toMatch(
        /Broken dev\n.*\n {4}token: UNREADABLE, not used: The token stored in the OS keychain for this profile cannot be read .*\(it was kept, not deleted\).* Replace it with `handle-studio profile set-token "Broken dev"` or `handle-studio profile login "Broken dev"`, or remove the profile with `handle-studio profile remove "Broken dev" --yes`\./,
      );

      const json = await cli(['profile', 'list', '--json']);
      expect(json.code, json.stderr).toBe(0);
      const states = (JSON.parse(json.stdout) as { profiles: ProfileView[] }).profiles.map((profile) => [
        profile.name,
        profile.token.state,
      ]);
      expect(states).toEqual([
        ['Good dev', 'pasted'],
        ['Broken dev', 'unreadable'],
      ]);

      const shown = await cli(['profile', 'show', 'Broken dev', '--json']);
      expect(shown.code, shown.stderr).toBe(0);
      expect(JSON.parse(shown.stdout)).toMatchObject({
        profile: { token: { state: 'unreadable', problem: expect.stringContaining('paste a token or sign in again') } },
      });
      // Kept as it was, for whichever build wrote it; a new token replaces it.
      expect(await vault.get(key)).toBe('{"v":99,"written":"by a newer build"}');
      const replaced = await cli(['profile', 'set-token', 'Broken dev'], AUTHORIZATION);
      expect(replaced.code, replaced.stderr).toBe(0);
      expect((await cli(['profile', 'show', 'Broken dev'])).stdout).toMatch(/token: pasted/);
    },
  );
});
