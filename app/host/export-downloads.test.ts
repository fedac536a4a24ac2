/**
 * Browser mode's history export, end to end over loopback: the export call answers a one-use
 * link, and the host streams the export from the real history file into the download.
 */
import { request as httpRequest } from 'node:http';
import { expect, it } from 'vitest';
import { fillHistory } from '../core/history/sample-history.fixture.ts';
import { AUTHORIZATION_PLACEHOLDER } from '../shared/mpsd/wire.ts';
import { HOST_TOKEN as TOKEN, useHostWorld } from './host-world.fixture.ts';

const ENTRIES = 1_234;

const world = useHostWorld({ downloads: true, prepare: (dataDir) => fillHistory(dataDir, ENTRIES) });

async function exportLink(format: 'csv' | 'json'): Promise<string> {
  const answer = await world.call('exportHistory', { format, filter: {} });
  expect(answer).toMatchObject({ ok: true, value: { outcome: 'download', fileName: expect.stringMatching(/\.(csv|json)$/) as unknown } });
  return `${world.host.origin}${String((answer as { value?: Record<string, unknown> }).value?.['url'])}`;
}

it('streams the whole export once from the link the call answered, as an attachment, without the session token', async () => {
  const link = await exportLink('json');
  expect(link).not.toContain(TOKEN);
  const download = await fetch(link);
  expect(download.status).toBe(200);
  expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="handle-studio-history-[0-9-]+\.json"$/);
  const entries = (await download.json()) as Array<{ correlationId: string; request: { headers: Record<string, string> } }>;
  expect(entries).toHaveLength(ENTRIES);
  expect(entries[0]?.correlationId).toBe(`corr-${ENTRIES - 1}`);
  expect(entries.every((entry) => entry.request.headers['Authorization'] === AUTHORIZATION_PLACEHOLDER)).toBe(true);

  // One use: the same link again, or one never offered, is refused with what to do.
  const again = await fetch(link);
  expect(again.status).toBe(404);
  expect(await again.text()).toMatch(/export again/);
  expect((await fetch(`${world.host.origin}/api/download/not-a-ticket`)).status).toBe(404);
});

it('a download the browser cancels midway leaves the host serving', async () => {
  const link = new URL(await exportLink('csv'));
  const firstChunk = await new Promise<string>((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port: link.port, path: link.pathname }, (response) => {
      response.once('data', (chunk: Buffer) => {
        resolve(chunk.toString('utf8'));
        // The person cancels the download: the connection goes away with most of the file unsent.
        request.destroy();
      });
    });
    request.on('error', reject);
    request.end();
  });
  expect(firstChunk).toMatch(/^id,time,/);
  // The host goes on answering, and a new export is whole.
  const page = await world.call('listHistory', { limit: 1 });
  expect(page.ok).toBe(true);
  const csv = await (await fetch(await exportLink('csv'))).text();
  expect(csv.split('\r\n')).toHaveLength(ENTRIES + 2);
});
