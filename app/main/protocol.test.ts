/**
 * The app:// protocol with Electron mocked: it serves only files inside the renderer folder,
 * always with the Content-Security-Policy.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../shared/security.ts';

let serve: ((request: Request) => Promise<Response>) | null = null;
const fetched: string[] = [];

vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: vi.fn(),
    handle: (_scheme: string, handler: (request: Request) => Promise<Response>) => {
      serve = handler;
    },
  },
  net: {
    fetch: async (url: string) => {
      fetched.push(url);
      return new Response(await readFile(fileURLToPath(url)), { headers: { 'content-type': 'text/html' } });
    },
  },
}));

const { serveRenderer } = await import('./protocol.ts');
const rendererDir = mkdtempSync(join(tmpdir(), 'handle-studio-renderer-'));
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Handle Studio</title>');
serveRenderer(rendererDir);

afterAll(() => rmSync(rendererDir, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves the renderer with the Content-Security-Policy', async () => {
    const response = await serve!(new Request('app://handle-studio/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).toContain('Handle Studio');
  });

  it('refuses paths outside the renderer folder and other hosts, without reading them', async () => {
    fetched.length = 0;
    for (const url of [
      'app://handle-studio/..%2F..%2Fetc%2Fpasswd',
      'app://handle-studio/%2e%2e/%2e%2e/etc/passwd',
      'app://other-host/index.html',
    ]) {
      expect((await serve!(new Request(url))).status).toBe(404);
    }
    // The URL parser folds %2e%2e segments away; whatever was read stayed inside the renderer folder.
    expect(fetched.every((url) => fileURLToPath(url).startsWith(rendererDir))).toBe(true);
  });
});
