/**
 * Importing a team presets file in the app (issue 13, item 6): a hand-written preset without
 * notes imports; a file that would replace saved presets shows what is new, replaced and
 * unchanged and changes nothing until the user confirms; Cancel keeps the saved presets.
 */
import { expect, openScreen, test } from './fixtures.ts';
import { SCID } from './flows.ts';

function teamFile(name: string, presets: { name: string; session: string }[]) {
  const content = {
    format: 'handle-studio-presets',
    version: 1,
    presets: presets.map((preset) => ({
      name: preset.name,
      sessionRef: { scid: SCID, templateName: 'GameSession', name: preset.session },
      inviteAttributes: { titleId: '1234' },
      recipients: [{ label: 'QA box', xuid: '2814679796296492' }],
      joinAndSetActivityFirst: false,
    })),
  };
  return { name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(content)) };
}

test('a team file without notes imports; replacing saved presets is previewed and asked first', async ({ app: page }) => {
  await openScreen(page, 'Presets');
  const chooser = page.getByLabel('Import presets file');
  await chooser.setInputFiles(
    teamFile('team.json', [
      { name: 'Friday', session: 'lobby-1' },
      { name: 'Saturday', session: 'lobby-2' },
    ]),
  );
  await expect(page.getByText('Imported team.json: 2 new, 0 replaced, 0 unchanged.')).toBeVisible();
  await expect(page.getByTestId('preset-card')).toHaveCount(2);

  const changed = teamFile('team-v2.json', [
    { name: 'Friday', session: 'lobby-9' },
    { name: 'Saturday', session: 'lobby-2' },
    { name: 'Sunday', session: 'lobby-3' },
  ]);
  await chooser.setInputFiles(changed);
  const preview = page.getByTestId('import-preview');
  await expect(preview.getByRole('heading')).toHaveText('Importing team-v2.json replaces 1 saved preset');
  await expect(preview).toContainText(/Replaced \(1\)\s*Friday/);
  await expect(preview).toContainText(/New \(1\)\s*Sunday/);
  await expect(preview).toContainText(/Unchanged \(1\)\s*Saturday/);
  await preview.getByRole('button', { name: 'Cancel' }).click();
  await expect(preview).toHaveCount(0);
  await expect(page.getByTestId('preset-card')).toHaveCount(2);
  await expect(page.getByTestId('preset-card').filter({ hasText: 'Friday' })).toContainText('lobby-1');

  await chooser.setInputFiles(changed);
  await preview.getByRole('button', { name: 'Replace and import' }).click();
  await expect(page.getByText('Imported team-v2.json: 1 new, 1 replaced, 1 unchanged.')).toBeVisible();
  await expect(page.getByTestId('preset-card')).toHaveCount(3);
  await expect(page.getByTestId('preset-card').filter({ hasText: 'Friday' })).toContainText('lobby-9');
});
