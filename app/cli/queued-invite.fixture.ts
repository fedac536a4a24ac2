/**
 * The `invite send --queue` the outbox CLI tests fill the outbox with: one invite per XUID to
 * `session`, as `profile`, queued when it cannot go now (the profile has no token yet). Test-only.
 */
import { sessionFlags } from './cli-world.fixture.ts';

export function queuedInviteArgs(session: string, profile: string, xuids: readonly string[]): string[] {
  return [
    'invite',
    'send',
    ...sessionFlags(session),
    '--title-id',
    '1234',
    ...xuids.flatMap((xuid) => ['--to', xuid]),
    '--profile',
    profile,
    '--queue',
  ];
}
