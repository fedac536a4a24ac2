/**
 * The exact request Handle Studio sends, shown before sending (preview) and handed to other
 * tools (curl, the VS Code / JetBrains `.http` format). The Authorization value is never
 * known here: every view carries the `XBL3.0 x=<uhs>;<token>` placeholder, which the person
 * replaces with their own token when they run the export elsewhere.
 */
import { HandleStudioError } from '../errors.ts';
import { checkContractVersion } from './contract-versions.ts';
import { contractVersionSchema, type ContractVersion } from './ids.ts';
import { localeSchema, mpsdBaseUrlSchema } from './endpoint.ts';
import { parseOrThrow } from '../validation.ts';
import { AUTHORIZATION_PLACEHOLDER, type SentRequest, type WireRequest } from './wire.ts';

/** Turns WireRequests into SentRequests for one endpoint, contract version and locale. */
export type RequestComposer = (wire: WireRequest, authorization?: string) => SentRequest;

/** Printable ASCII only: anything else cannot go in a header (and CR/LF would split one). */
const HEADER_TEXT = /^[\x20-\x7e]*$/;

/**
 * Wires normally come from the builders, but may also come back from storage (outbox,
 * history resend). A path not starting with '/' could move the request, Authorization
 * included, to another host (`@evil.example/`), so it is refused like a bad header.
 */
function checkWire(wire: WireRequest): void {
  if (typeof wire.path !== 'string' || !wire.path.startsWith('/') || !HEADER_TEXT.test(wire.path)) {
    throw new HandleStudioError(
      'VALIDATION',
      `The ${String(wire.kind)} request's path must start with / and hold printable ASCII only; rebuild the request.`,
    );
  }
  for (const [name, value] of Object.entries(wire.headers)) {
    if (!/^[A-Za-z0-9-]+$/.test(name) || !HEADER_TEXT.test(value) || name.toLowerCase() === 'authorization') {
      throw new HandleStudioError(
        'VALIDATION',
        `The ${String(wire.kind)} request carries a header "${name.slice(0, 40)}" that cannot be sent; rebuild the request.`,
      );
    }
  }
}

/**
 * Validates the endpoint settings once and returns a function that lays out each request as
 * it goes on the wire: full URL, headers in the order they are sent, body serialised. The
 * MPSD client sends what this returns (with the real Authorization passed in) and records it
 * with the placeholder, so the preview, the export and the history entry cannot drift apart.
 * Throws HandleStudioError VALIDATION for a bad base URL, contract version or locale, and
 * (per request) for a call that its contract version does not support (see contract-versions.ts).
 */
export function createRequestComposer(baseUrl: string, contractVersion: ContractVersion, locale?: string): RequestComposer {
  const origin = parseOrThrow(mpsdBaseUrlSchema, baseUrl, 'MPSD base URL');
  const version = parseOrThrow(contractVersionSchema, contractVersion, 'Contract version');
  const language = locale === undefined ? undefined : parseOrThrow(localeSchema, locale, 'Locale');
  return (wire, authorization = AUTHORIZATION_PLACEHOLDER) => {
    checkWire(wire);
    checkContractVersion(wire.kind, version);
    const headers: Record<string, string> = {
      Authorization: authorization,
      'x-xbl-contract-version': String(version),
    };
    if (language !== undefined) headers['Accept-Language'] = language;
    Object.assign(headers, wire.headers);
    const sent: SentRequest = { method: wire.method, url: `${origin}${wire.path}`, headers };
    if (wire.body !== undefined) sent.body = JSON.stringify(wire.body);
    return sent;
  };
}

/** The request exactly as the client will send it, with the Authorization placeholder. */
export function previewRequest(wire: WireRequest, baseUrl: string, contractVersion: ContractVersion, locale: string): SentRequest {
  return createRequestComposer(baseUrl, contractVersion, locale)(wire);
}

/** POSIX shell single-quoting: the only character that needs care inside '...' is ' itself. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** Each request as the client will send it, alongside the wire request it came from. */
function composeEach(
  wires: WireRequest | readonly WireRequest[],
  baseUrl: string,
  contractVersion: ContractVersion,
  locale: string | undefined,
): { wire: WireRequest; sent: SentRequest }[] {
  const compose = createRequestComposer(baseUrl, contractVersion, locale);
  const list: readonly WireRequest[] = Array.isArray(wires) ? wires : [wires as WireRequest];
  return list.map((wire) => ({ wire, sent: compose(wire) }));
}

/**
 * One curl command per request (an invite to five people is five commands), separated by a
 * blank line. Every value is single-quoted, so the commands paste into bash or zsh as they are.
 */
export function toCurl(
  wires: WireRequest | readonly WireRequest[],
  baseUrl: string,
  contractVersion: ContractVersion,
  locale?: string,
): string {
  return composeEach(wires, baseUrl, contractVersion, locale)
    .map(({ sent }) => {
      const lines = [`curl --request ${sent.method} ${shellQuote(sent.url)}`];
      for (const [name, value] of Object.entries(sent.headers)) lines.push(`  --header ${shellQuote(`${name}: ${value}`)}`);
      if (sent.body !== undefined) lines.push(`  --data-raw ${shellQuote(sent.body)}`);
      return lines.join(' \\\n');
    })
    .join('\n\n');
}

/**
 * `{{name}}` in a `.http` file is a variable reference. Compact JSON only has `{{` inside
 * strings, where `\u007b` is the same character, so escaping it keeps the body's meaning.
 */
function withoutTemplateBraces(body: string): string {
  return body.replaceAll('{{', '\\u007b\\u007b');
}

/** A `### name` line: the kind plus whom or what the request is about. */
function requestTitle(wire: WireRequest): string {
  if (wire.invitedXuid !== undefined) return `${wire.kind} to ${wire.invitedXuid}`;
  if (wire.sessionRef !== undefined) return `${wire.kind} ${wire.sessionRef.templateName}/${wire.sessionRef.name}`;
  return wire.kind;
}

/**
 * The requests in the `.http` format VS Code's REST Client and JetBrains' HTTP client run:
 * each request under a `###` title line, then the request line, headers, a blank line and
 * the body as it is sent.
 */
export function toHttpFile(
  wires: WireRequest | readonly WireRequest[],
  baseUrl: string,
  contractVersion: ContractVersion,
  locale?: string,
): string {
  return composeEach(wires, baseUrl, contractVersion, locale)
    .map(({ wire, sent }) => {
      const lines = [`### ${requestTitle(wire)}`, `${sent.method} ${sent.url}`];
      for (const [name, value] of Object.entries(sent.headers)) lines.push(`${name}: ${value}`);
      if (sent.body !== undefined) lines.push('', withoutTemplateBraces(sent.body));
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}
