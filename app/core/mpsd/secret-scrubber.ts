/**
 * Takes our own Authorization value back out of whatever MPSD (or a proxy in front of it)
 * answers. A service may echo the header in an error text, and not always verbatim: JSON may
 * escape `+` and `/` (`\u002B`, `\/`), a URL may percent-encode it, a capped body may cut it
 * in half, a message may quote only part of it. So besides the exact forms, any run of
 * SHARED_RUN or more characters that also occurs in the token is masked, and JSON bodies
 * are scrubbed again after decoding.
 */
import { AUTHORIZATION_PLACEHOLDER } from '../../shared/mpsd/wire.ts';

/** Shorter runs of a random token identify nothing; longer ones could be replayed in part. */
const SHARED_RUN = 16;
const TOKEN_MARK = '<token>';

export interface SecretScrubber {
  /** Text with every recognisable form of the secret masked. */
  text(value: string): string;
  /** A parsed JSON value with every string scrubbed (after JSON decoding undid any escapes); `changed` says whether anything was masked. */
  json(value: unknown): { value: unknown; changed: boolean };
}

export function createSecretScrubber(authorization: string): SecretScrubber {
  const token = authorization.slice(authorization.indexOf(';') + 1);
  const exact = [
    ...new Set([
      authorization,
      encodeURIComponent(authorization),
      token,
      encodeURIComponent(token),
      lowerHexEscapes(encodeURIComponent(token)),
    ]),
  ]
    .filter((form) => form.length >= SHARED_RUN)
    .sort((a, b) => b.length - a.length);
  const pieces = new TokenPieces(token);
  const blocks = new BlockIndex([token, ...exact]);

  function text(value: string): string {
    // Nearly every text holds no secret (each request body and answer passes here): proving
    // that costs an eighth of a full scan, and only a text that may hold one is scanned fully.
    if (value.length < SHARED_RUN || !blocks.mayOccurIn(value)) return value;
    let result = value;
    for (const form of exact) {
      if (result.includes(form))
        result = result.replaceAll(
          form,
          form === authorization || form === encodeURIComponent(authorization) ? AUTHORIZATION_PLACEHOLDER : TOKEN_MARK,
        );
    }
    return pieces.mask(result);
  }

  function json(value: unknown): { value: unknown; changed: boolean } {
    let changed = false;
    const walk = (node: unknown): unknown => {
      if (typeof node === 'string') {
        const scrubbed = text(node);
        if (scrubbed !== node) changed = true;
        return scrubbed;
      }
      if (Array.isArray(node)) return node.map(walk);
      if (node !== null && typeof node === 'object')
        return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item)]));
      return node;
    };
    return { value: walk(value), changed };
  }

  return { text, json };
}

/**
 * Finds stretches of a text made of overlapping SHARED_RUN-character pieces of the token.
 * Every response passes through here, so the scan is a rolling hash over the text (no
 * string made per position); a hash hit is confirmed by comparing the characters.
 */
class TokenPieces {
  readonly #pieces = new Set<string>();
  readonly #hashes = new Set<number>();
  /** BASE^(SHARED_RUN-1), to take the leading character out of the rolling hash. */
  readonly #lead: number;

  constructor(token: string) {
    let lead = 1;
    for (let step = 1; step < SHARED_RUN; step += 1) lead = Math.imul(lead, BASE) >>> 0;
    this.#lead = lead;
    for (let start = 0; start + SHARED_RUN <= token.length; start += 1) {
      const piece = token.slice(start, start + SHARED_RUN);
      this.#pieces.add(piece);
      this.#hashes.add(hashOf(piece));
    }
  }

  mask(value: string): string {
    if (this.#pieces.size === 0 || value.length < SHARED_RUN) return value;
    let out = '';
    let copiedUpTo = 0;
    let hash = hashOf(value.slice(0, SHARED_RUN));
    for (let start = 0; start + SHARED_RUN <= value.length;) {
      if (this.#hashes.has(hash) && this.#pieces.has(value.slice(start, start + SHARED_RUN))) {
        let end = start + SHARED_RUN;
        while (end < value.length && this.#pieces.has(value.slice(end - SHARED_RUN + 1, end + 1))) end += 1;
        out += value.slice(copiedUpTo, start) + TOKEN_MARK;
        copiedUpTo = end;
        start = end;
        if (start + SHARED_RUN <= value.length) hash = hashOf(value.slice(start, start + SHARED_RUN));
        continue;
      }
      if (start + SHARED_RUN < value.length) {
        const leaving = Math.imul(value.charCodeAt(start), this.#lead) >>> 0;
        hash = (Math.imul((hash - leaving) >>> 0, BASE) + value.charCodeAt(start + SHARED_RUN)) >>> 0;
      }
      start += 1;
    }
    return copiedUpTo === 0 ? value : out + value.slice(copiedUpTo);
  }
}

/**
 * Every BLOCK-character piece of the forms the scrubber masks, by hash. Anything `text` masks
 * is a run of at least SHARED_RUN = 2 x BLOCK characters of one form, so it covers a whole
 * block that starts at a multiple of BLOCK in the text: a text none of whose aligned blocks
 * is such a piece holds nothing to mask. (A hash that matches by chance only costs the full scan.)
 */
class BlockIndex {
  readonly #hashes = new Set<number>();

  constructor(forms: readonly string[]) {
    for (const form of forms) for (let start = 0; start + BLOCK <= form.length; start += 1) this.#hashes.add(hashOf(form, start, BLOCK));
  }

  mayOccurIn(value: string): boolean {
    for (let start = 0; start + BLOCK <= value.length; start += BLOCK) if (this.#hashes.has(hashOf(value, start, BLOCK))) return true;
    return false;
  }
}

const BLOCK = SHARED_RUN / 2;
const BASE = 31;

/** The rolling hash of `length` characters of `text` from `start` (the whole text by default). */
function hashOf(text: string, start = 0, length = text.length - start): number {
  let hash = 0;
  for (let index = start; index < start + length; index += 1) hash = (Math.imul(hash, BASE) + text.charCodeAt(index)) >>> 0;
  return hash;
}

function lowerHexEscapes(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}
