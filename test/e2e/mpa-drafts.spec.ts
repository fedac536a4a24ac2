/**
 * Issue 11 item 3 in the app: MPA Compose saves a draft, opens it again from Drafts (read by
 * the same function the CLI's `draft send` uses) and sends it; History opens a recorded MPA
 * call in MPA Compose and resends it. Against the local MPA in browser mode. Screenshots
 * light and dark (a long draft name with unsaved changes, the History detail); axe finds 0
 * violations on each.
 */
import { addLocalProfile, expect, openScreen, test } from './fixtures.ts';
import { addMpaProfile, localMpa, lookAndCheck } from './mpa-flows.ts';

test.describe.configure({ timeout: 240_000 });

test('an MPA invite saved as a draft reopens from Drafts as it was saved and is sent from it; History opens and resends the call', async ({
  app: page,
  mpsd,
}) => {
  const [me, second, third] = mpsd.users;
  if (me === undefined || second === undefined || third === undefined) throw new Error('The local MPSD seeds three users.');
  /** Opens the newest MPA invite in History's drawer (History must be showing). */
  const openNewestInvite = async (): Promise<void> => {
    await page
      .getByTestId('history-row')
      .filter({ hasText: 'MPA: send invites' })
      .first()
      .getByRole('button', { name: /MPA: send invites/ })
      .click();
  };
  await addMpaProfile(page, mpsd, 'Local MPA');
  await openScreen(page, 'Compose');
  const kinds = page.getByRole('radiogroup', { name: 'Request kind' });
  await kinds.getByRole('radio', { name: 'Invite' }).click();
  await page.getByLabel('Title id').fill('0x4D2');
  await page.getByLabel('Invited users').fill(`${second.xuid}\n${third.xuid}`);
  await page.getByLabel('Connection string').fill('lobby-9');

  // As long as a draft name may be, so the tag beside the title shows how it cuts.
  const longName = `Weekend MPA invite for the Scarlett + PC QA squad ${'x'.repeat(50)}`.slice(0, 100);
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await expect(page.getByLabel('Draft name')).toHaveValue('Invite');
  await page.getByLabel('Draft name').fill(longName);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText(`Saved as draft “${longName}”.`)).toBeVisible();
  await expect(page.getByTestId('draft-tag')).toContainText(`Draft: ${longName}`);
  await expect(page.getByRole('button', { name: 'Update draft' })).toBeDisabled();

  // An edit is not in the draft until Update draft; the form says so.
  await page.getByLabel('Connection string').fill('lobby-10');
  await expect(page.getByTestId('draft-tag')).toContainText('unsaved changes');
  await expect(page.getByRole('button', { name: 'Update draft' })).toBeEnabled();
  await lookAndCheck(page, 'mpa-compose-draft');

  // Another call typed over the form; the draft read back from core (a fresh page) is as saved.
  await kinds.getByRole('radio', { name: 'Query activities' }).click();
  await page.getByLabel('Users').fill(me.xuid);
  await page.reload();
  await openScreen(page, 'Drafts');
  const row = page.getByTestId('draft-row');
  await expect(row).toHaveCount(1);
  await row.getByRole('button', { name: 'Open in Compose' }).click();
  await expect(kinds.getByRole('radio', { name: 'Invite' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByLabel('Title id')).toHaveValue('0x4D2');
  await expect(page.getByLabel('Invited users')).toHaveValue(`${second.xuid}\n${third.xuid}`);
  await expect(page.getByLabel('Connection string')).toHaveValue('lobby-9');
  await expect(page.getByTestId('draft-tag')).toContainText(`Draft: ${longName}`);
  await expect(page.getByTestId('draft-tag')).not.toContainText('unsaved changes');

  // Sent from the reopened draft: one call for both, and the draft is kept as saved.
  await page.getByTestId('send').click();
  const outcome = page.getByTestId('send-outcome');
  await expect(outcome.getByRole('heading', { level: 2 })).toHaveText('2 of 2 invited in one call');
  await expect(page.getByTestId('draft-fate-after')).toContainText('kept');
  expect((await localMpa(page, mpsd)).invites).toMatchObject([
    { sender: me.xuid, invitedUser: second.xuid, connectionString: 'lobby-9' },
    { sender: me.xuid, invitedUser: third.xuid, connectionString: 'lobby-9' },
  ]);

  // Drafts' Send sends it as saved, through MPA Compose, which shows the answer.
  await openScreen(page, 'Drafts');
  await page.getByTestId('draft-row').getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('send-outcome').getByRole('heading', { level: 2 })).toHaveText('2 of 2 invited in one call');
  expect((await localMpa(page, mpsd)).invites).toHaveLength(4);

  // History: the recorded call opens in MPA Compose as it went out.
  await kinds.getByRole('radio', { name: 'Query activities' }).click();
  await openScreen(page, 'History');
  const calls = page.getByTestId('history-row').filter({ hasText: 'MPA: send invites' });
  await expect(calls).toHaveCount(2);
  await openNewestInvite();
  await expect(page.getByTestId('history-invitees')).toHaveText(`${second.xuid}, ${third.xuid}`);
  await page.getByRole('button', { name: 'Open as draft in Compose' }).click();
  // The form holds a call typed since the last send (another kind): replacing it asks first.
  await expect(page.getByTestId('history-use-warning')).toContainText('Compose holds changes that were not sent or saved as a draft');
  await page.getByRole('button', { name: 'Replace and open' }).click();
  await expect(kinds.getByRole('radio', { name: 'Invite' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByLabel('Title id')).toHaveValue('1234');
  await expect(page.getByLabel('Invited users')).toHaveValue(`${second.xuid}\n${third.xuid}`);
  await expect(page.getByLabel('Connection string')).toHaveValue('lobby-9');
  await expect(page.getByTestId('draft-tag')).toHaveCount(0);

  // Resend asks first (every invitee gets a second invite), then sends through MPA Compose.
  await openScreen(page, 'History');
  await openNewestInvite();
  await page.getByRole('button', { name: 'Resend' }).click();
  await expect(page.getByTestId('history-use-warning')).toContainText('every invitee gets a second invite');
  await lookAndCheck(page, 'mpa-history-resend');
  await page.getByRole('button', { name: 'Resend anyway' }).click();
  await expect(page.getByTestId('send-outcome').getByRole('heading', { level: 2 })).toHaveText('2 of 2 invited in one call');
  expect((await localMpa(page, mpsd)).invites).toHaveLength(6);

  // Another MPA profile (another user) made active: a resend still goes out as the profile that
  // sent the call, which it makes active first, and says so before it does.
  await addMpaProfile(page, mpsd, 'QA box MPA', third);
  await openScreen(page, 'History');
  const drawer = page.getByTestId('history-drawer');
  await openNewestInvite();
  await expect(drawer.getByTestId('history-profile')).toHaveText('Local MPA');
  await drawer.getByRole('button', { name: 'Resend' }).click();
  await expect(drawer.getByTestId('history-use-warning')).toContainText(
    'This makes “Local MPA”, the profile that sent it, the active profile: MPA Compose sends as the active one.',
  );
  await expect(drawer.getByTestId('history-use-warning')).toContainText('every invitee gets a second invite');
  await lookAndCheck(page, 'mpa-history-resend-as-sender');
  await drawer.getByRole('button', { name: 'Resend anyway' }).click();
  await expect(page.getByTestId('send-outcome').getByRole('heading', { level: 2 })).toHaveText('2 of 2 invited in one call');
  await expect(page.getByTestId('active-profile')).toHaveText('Local MPA');
  expect((await localMpa(page, mpsd)).invites.slice(6)).toMatchObject([
    { sender: me.xuid, invitedUser: second.xuid, connectionString: 'lobby-9' },
    { sender: me.xuid, invitedUser: third.xuid, connectionString: 'lobby-9' },
  ]);
  await openScreen(page, 'History');
  await expect(page.getByTestId('history-row').filter({ hasText: 'MPA: send invites' })).toHaveCount(4);
  await openNewestInvite();
  await expect(drawer.getByTestId('history-profile')).toHaveText('Local MPA');

  // An MPSD profile active: MPA Compose cannot open the call as it, but the resend still goes
  // out as the profile that sent it.
  await addLocalProfile(page, mpsd, third, 'MPSD dev');
  await openScreen(page, 'History');
  await openNewestInvite();
  await expect(drawer.getByTestId('history-mpa-needs-profile')).toHaveText(
    'Choose an MPA profile in the top bar to open this call in Compose.',
  );
  await expect(drawer.getByRole('button', { name: 'Open as draft in Compose' })).toHaveCount(0);
  await lookAndCheck(page, 'mpa-history-mpsd-active');
  await drawer.getByRole('button', { name: 'Resend' }).click();
  await expect(drawer.getByTestId('history-use-warning')).toContainText(
    'This makes “Local MPA”, the profile that sent it, the active profile',
  );
  await drawer.getByRole('button', { name: 'Resend anyway' }).click();
  await expect(page.getByTestId('send-outcome').getByRole('heading', { level: 2 })).toHaveText('2 of 2 invited in one call');
  await expect(page.getByTestId('active-profile')).toHaveText('Local MPA');
  expect((await localMpa(page, mpsd)).invites.slice(8)).toMatchObject([
    { sender: me.xuid, invitedUser: second.xuid },
    { sender: me.xuid, invitedUser: third.xuid },
  ]);

  // The profile that sent it now talks to MPSD (and has a long name): nothing is resent, and
  // the drawer says why and what to do.
  // As long as a profile name may be (60).
  const longProfileName = 'Local MPA lobby host for the Scarlett + PC weekend QA squad'.padEnd(60, 'x');
  await openScreen(page, 'Profiles');
  await page.getByTestId('profile-card').filter({ hasText: 'Local MPA' }).getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByTestId('profile-editor');
  await editor.getByLabel('Name', { exact: true }).fill(longProfileName);
  await editor.getByLabel('Activities and invites through').selectOption('mpsd');
  await editor.getByRole('button', { name: 'Save profile' }).click();
  await expect(page.getByTestId('active-service')).toHaveText('MPSD handles');
  await openScreen(page, 'History');
  await openNewestInvite();
  await expect(drawer.getByTestId('history-mpa-resend-refused')).toHaveText(
    `This call was sent as “Local MPA” (now named “${longProfileName}”), which now sends through MPSD, not Multiplayer Activity, so it cannot resend this call. ` +
      'To resend it as it was, set that profile back to Multiplayer Activity in Profiles (Edit). ' +
      'Otherwise: Choose an MPA profile in the top bar, then open it in Compose to send it as that profile.',
  );
  await expect(drawer.getByRole('button', { name: 'Resend' })).toHaveCount(0);
  await expect(drawer.getByRole('button', { name: 'Open as draft in Compose' })).toHaveCount(0);
  await lookAndCheck(page, 'mpa-history-resend-refused');
  expect((await localMpa(page, mpsd)).invites).toHaveLength(10);
});
