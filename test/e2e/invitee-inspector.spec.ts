/**
 * The invitee's side in browser mode against the local MPSD with two test users, Alpha and
 * Bravo (issue 10's "done when"): the round trip from a preset succeeds; the inspector shows
 * Bravo joining after Bravo accepts an invite as the second profile; pre-flight shows each
 * finding built into a session. Screenshots (light and dark) and axe on each state.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { addLocalProfile, expect, openScreen, saveScreenshot, test, type BrowserMode, type LocalMpsdInfo } from './fixtures.ts';
import { fillInvite } from './flows.ts';

const TEMPLATES = fileURLToPath(new URL('./invitee-templates.json', import.meta.url));
const SCID = 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862';

test.use({ mpsdTemplates: TEMPLATES, actionTimeout: 60_000 });
test.describe.configure({ timeout: 300_000 });

/** A channel called from the page, as the app calls it (same origin, the run's token). */
async function call(page: Page, studio: BrowserMode, name: string, input: unknown): Promise<Record<string, unknown>> {
  const answer = await page.evaluate(
    async ({ name, input, token }) => {
      const response = await fetch(`/api/call/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-handle-studio-token': token },
        body: JSON.stringify(input),
      });
      return (await response.json()) as { ok: boolean; value?: Record<string, unknown>; error?: { message: string } };
    },
    { name, input, token: studio.token },
  );
  if (!answer.ok || answer.value === undefined) throw new Error(`${name}: ${answer.error?.message ?? 'no value'}`);
  return answer.value;
}

async function profileIds(page: Page, studio: BrowserMode): Promise<Record<string, string>> {
  const { profiles } = (await call(page, studio, 'listProfiles', {})) as { profiles: Array<{ id: string; name: string }> };
  return Object.fromEntries(profiles.map((profile) => [profile.name, profile.id]));
}

/** No axe violations, in both themes, and a screenshot of each. */
async function shotAndAxe(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await saveScreenshot(page, name, scheme);
    const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
    expect(
      violations.map((violation) => `${scheme}: ${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  }
}

async function twoProfiles(page: Page, mpsd: LocalMpsdInfo): Promise<void> {
  await addLocalProfile(page, mpsd, mpsd.users[0]!, 'Alpha');
  await addLocalProfile(page, mpsd, mpsd.users[1]!, 'Bravo');
}

test('the round trip from a preset passes, step by step', async ({ app: page, mpsd, studio }) => {
  await twoProfiles(page, mpsd);
  await call(page, studio, 'createPreset', {
    name: 'Friday round trip',
    sessionRef: { scid: SCID, templateName: 'GameSession', newNameEachTime: true },
    inviteAttributes: { titleId: '1234', context: 'raid-7' },
    recipients: [],
    joinAndSetActivityFirst: true,
    notes: '',
  });
  // From the preset's card, as a tester starts it.
  await openScreen(page, 'Presets');
  await page.getByTestId('preset-card').filter({ hasText: 'Friday round trip' }).getByRole('button', { name: 'Round trip…' }).click();
  const panel = page.getByRole('region', { name: 'Round trip' });
  await expect(panel.getByLabel('Preset')).toHaveValue(/.+/);
  await expect(panel.getByLabel('Preset').locator('option:checked')).toHaveText('Friday round trip');
  await panel.getByLabel('A (invites)').selectOption({ label: 'Alpha' });
  await panel.getByLabel('B (accepts)').selectOption({ label: 'Bravo' });
  await panel.getByLabel("Alpha's XUID").fill(mpsd.users[0]!.xuid);
  await panel.getByLabel("Bravo's XUID").fill(mpsd.users[1]!.xuid);
  await panel.getByRole('button', { name: 'Run round trip' }).click();

  const outcome = panel.getByTestId('roundtrip-outcome');
  await expect(outcome.getByRole('status')).toHaveText(/^Round trip passed in GameSession\/roundtrip-[0-9a-f]{8}\.$/);
  await expect(outcome.getByTestId('step')).toHaveCount(9);
  await expect(outcome.getByTestId('step').filter({ hasText: 'Passed' })).toHaveCount(9);
  await expect(outcome.getByTestId('step').last()).toContainText(/Bravo is member \d+, inactive\./);
  await expect(outcome.getByTestId('activation-uri').first()).toHaveText(
    new RegExp(
      `^ms-xbl-multiplayer://inviteHandleAccept\\?handle=[0-9a-f-]{36}&invitedXuid=${mpsd.users[1]!.xuid}&senderXuid=${mpsd.users[0]!.xuid}&context=raid-7$`,
    ),
  );
  // On Linux there is no scheme to open: the page says so instead of offering Open.
  await expect(outcome.getByText('Only Windows has the ms-xbl-multiplayer scheme').first()).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await shotAndAxe(page, 'invitee-roundtrip');
});

test('the inspector shows Bravo joining after Bravo accepts the invite as the second profile', async ({ app: page, mpsd, studio }) => {
  await twoProfiles(page, mpsd);
  const ids = await profileIds(page, studio);
  const [alpha, bravo] = [mpsd.users[0]!, mpsd.users[1]!];
  const sessionRef = { scid: SCID, templateName: 'GameSession', name: 'inspect-1' };
  await call(page, studio, 'sendRequest', {
    runId: 'join-1',
    profileId: ids['Alpha'],
    request: { kind: 'session.join', sessionRef, xuid: alpha.xuid },
  });
  const sent = (await call(page, studio, 'sendRequest', {
    runId: 'invite-1',
    profileId: ids['Alpha'],
    request: { kind: 'invite.send', sessionRef, invitedXuids: [bravo.xuid], titleId: '1234' },
  })) as { invitees: Array<{ handleId: string }> };
  const handleId = sent.invitees[0]!.handleId;

  await openScreen(page, 'Inspector');
  const inspect = page.getByRole('region', { name: 'Open a session' });
  await inspect.getByLabel('Read as').selectOption({ label: 'Alpha' });
  await inspect.getByLabel('SCID', { exact: true }).fill(SCID);
  await inspect.getByLabel('Template', { exact: true }).fill('GameSession');
  await inspect.getByLabel('Session name').fill('inspect-1');
  await inspect.getByRole('button', { name: 'Open session' }).click();
  await expect(inspect.getByTestId('member')).toHaveCount(1);
  await expect(inspect.getByTestId('handle').filter({ hasText: handleId })).toContainText(`to ${bravo.xuid}`);

  const accept = page.getByRole('region', { name: 'Accept or join as another profile' });
  await accept.getByLabel('As', { exact: true }).selectOption({ label: 'Bravo' });
  await accept.getByLabel("Bravo's XUID").fill(bravo.xuid);
  await accept.getByLabel('Invite handle id').fill(handleId);
  await accept.getByRole('button', { name: 'Accept invite' }).click();
  await expect(accept.getByTestId('accept-outcome').getByRole('status')).toHaveText('Joined GameSession/inspect-1 as member 1, inactive.');
  await expect(accept.getByTestId('activation-uri')).toHaveText(
    `ms-xbl-multiplayer://inviteHandleAccept?handle=${handleId}&invitedXuid=${bravo.xuid}&senderXuid=${alpha.xuid}&context=`,
  );

  await inspect.getByRole('button', { name: 'Refresh' }).click();
  await expect(inspect.getByTestId('session-changes')).toContainText(`${bravo.xuid}) joined as inactive.`);
  await expect(inspect.getByTestId('member')).toHaveCount(2);
  await inspect.scrollIntoViewIfNeeded();
  await shotAndAxe(page, 'invitee-inspector');
});

test('pre-flight shows each finding built into a session, with its fix', async ({ app: page, mpsd }) => {
  await twoProfiles(page, mpsd);
  const [alpha, bravo] = [mpsd.users[0]!, mpsd.users[1]!];
  // A chat session with one seat, closed and followers-only: constants and properties no request kind sets.
  const created = await fetch(`${mpsd.url}/serviceconfigs/${SCID}/sessionTemplates/ChatSession/sessions/chat-1`, {
    method: 'PUT',
    headers: { Authorization: alpha.authorization, 'x-xbl-contract-version': '107', 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      properties: { system: { closed: true, joinRestriction: 'followed' } },
      members: { me: { constants: { system: { xuid: alpha.xuid, initialize: true } }, properties: { system: { active: false } } } },
    }),
  });
  expect(created.status).toBe(201);

  await openScreen(page, 'Inspector');
  const preflight = page.getByRole('region', { name: 'Pre-flight' });
  await preflight.getByLabel('Sender', { exact: true }).selectOption({ label: 'Alpha' });
  await preflight.getByLabel("Alpha's XUID").fill(alpha.xuid);
  await preflight.getByLabel('SCID', { exact: true }).fill(SCID);
  await preflight.getByLabel('Template', { exact: true }).fill('ChatSession');
  await preflight.getByLabel('Session name').fill('chat-1');
  await preflight.getByLabel('Invitee XUID').fill(bravo.xuid);
  await preflight.getByLabel('Invitee plays on').selectOption('pc');
  await preflight.getByRole('button', { name: 'Check' }).click();

  const findings = preflight.getByTestId('finding');
  await expect(findings).toHaveCount(8);
  const shown = await findings.evaluateAll((items) => items.map((item) => item.getAttribute('data-finding')));
  expect(shown).toEqual([
    'invite-protocol',
    'closed',
    'full',
    'join-restriction',
    'sender-not-active',
    'pc-user-authorization',
    'cross-play',
    'gameplay',
  ]);
  await expect(findings.filter({ hasText: '"chat", not "game"' })).toContainText('Fix: Set constants.system.inviteProtocol to "game"');
  await preflight.scrollIntoViewIfNeeded();
  await shotAndAxe(page, 'invitee-preflight');
});

test('an invite in History is accepted as the other profile from its detail pane', async ({ app: page, mpsd, studio }) => {
  await twoProfiles(page, mpsd);
  const ids = await profileIds(page, studio);
  const [alpha, bravo] = [mpsd.users[0]!, mpsd.users[1]!];
  const sessionRef = { scid: SCID, templateName: 'GameSession', name: 'history-1' };
  await call(page, studio, 'sendRequest', {
    runId: 'join-2',
    profileId: ids['Alpha'],
    request: { kind: 'session.join', sessionRef, xuid: alpha.xuid },
  });
  await call(page, studio, 'sendRequest', {
    runId: 'invite-2',
    profileId: ids['Alpha'],
    request: { kind: 'invite.send', sessionRef, invitedXuids: [bravo.xuid], titleId: '1234' },
  });

  await openScreen(page, 'History');
  await page.getByTestId('history-row').filter({ hasText: bravo.xuid }).first().click();
  await page.getByTestId('history-drawer').getByRole('button', { name: 'Accept as another profile…' }).click();
  const accept = page.getByRole('region', { name: 'Accept or join as another profile' });
  await expect(accept.getByLabel('Invite handle id')).toHaveValue(/^[0-9a-f-]{36}$/);
  await accept.getByLabel('As', { exact: true }).selectOption({ label: 'Bravo' });
  await accept.getByLabel("Bravo's XUID").fill(bravo.xuid);
  await accept.getByRole('button', { name: 'Accept invite' }).click();
  await expect(accept.getByTestId('accept-outcome').getByRole('status')).toHaveText('Joined GameSession/history-1 as member 1, inactive.');
});

test('Compose shows the pre-flight findings before a send, and the invite can still be sent', async ({ app: page, mpsd }) => {
  const [alpha, bravo] = [mpsd.users[0]!, mpsd.users[1]!];
  await addLocalProfile(page, mpsd, alpha, 'Alpha');
  const created = await fetch(`${mpsd.url}/serviceconfigs/${SCID}/sessionTemplates/GameSession/sessions/closed-1`, {
    method: 'PUT',
    headers: { Authorization: alpha.authorization, 'x-xbl-contract-version': '107', 'Content-Type': 'application/json; charset=utf-8' },
    body: JSON.stringify({
      properties: { system: { closed: true } },
      members: { me: { constants: { system: { xuid: alpha.xuid, initialize: true } }, properties: { system: { active: true } } } },
    }),
  });
  expect(created.status).toBe(201);
  await fillInvite(page, [bravo.xuid], { session: 'closed-1' });
  const preflight = page.getByTestId('compose-preflight');
  await preflight.getByRole('button', { name: 'Pre-flight check' }).click();
  await expect(preflight.getByTestId('finding')).toHaveCount(1);
  await expect(preflight.getByTestId('finding')).toContainText('The session is closed');
  await expect(preflight.getByText('You can still send')).toBeVisible();
  await shotAndAxe(page, 'invitee-compose-preflight');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByTestId('send').click();
  await expect
    .poll(async () => ((await (await fetch(`${mpsd.url}/_emulator/invites`)).json()) as { invites: unknown[] }).invites.length)
    .toBe(1);
});
