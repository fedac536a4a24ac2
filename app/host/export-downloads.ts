/**
 * Browser mode's history exports: the export call gets a one-use link, and the page's click on
 * it is answered by streaming the export straight from history into the response. The export
 * is never held whole in core nor in a call's JSON, however many entries it has.
 */
import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { pipeExport, type HistoryExport } from '../core/history/history-export.ts';
import { DOWNLOAD_PATH_PREFIX } from '../shared/contract/browser-transport.ts';

/** A link not clicked by then is forgotten (the page clicks it at once). */
const OFFER_LIFETIME_MS = 60_000;

export interface ExportDownloads {
  /** Keeps the export for one download; answers the link's path. */
  offer(exported: HistoryExport): string;
  /** Streams the export the ticket names into `response`; false when there is no such (live) ticket. */
  serve(ticket: string, response: ServerResponse): Promise<boolean>;
  /** Forgets every offer. */
  close(): void;
}

export function createExportDownloads(): ExportDownloads {
  const offers = new Map<string, { exported: HistoryExport; expiry: NodeJS.Timeout }>();
  return {
    offer(exported) {
      const ticket = randomBytes(24).toString('base64url');
      const expiry = setTimeout(() => offers.delete(ticket), OFFER_LIFETIME_MS);
      expiry.unref();
      offers.set(ticket, { exported, expiry });
      return `${DOWNLOAD_PATH_PREFIX}${ticket}`;
    },
    async serve(ticket, response) {
      const offered = offers.get(ticket);
      if (!offered) return false;
      offers.delete(ticket);
      clearTimeout(offered.expiry);
      const { exported } = offered;
      response.writeHead(200, {
        'content-type': exported.mediaType,
        'content-disposition': `attachment; filename="${exported.fileName}"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      try {
        await pipeExport(exported, response);
        response.end();
      } catch {
        // Cut the connection without the last chunk: the browser marks the download failed
        // rather than keeping a shortened file that looks complete.
        response.destroy();
      }
      return true;
    },
    close() {
      for (const { expiry } of offers.values()) clearTimeout(expiry);
      offers.clear();
    },
  };
}
