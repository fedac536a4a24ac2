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
  const exact = [...new Set([authorization, encodeURIComponent(authorization), token, encodeURIComponent(token), lowerHexEscapes(encodeURIComponent(token))])]
    .filter((form) => form.length >= SHARED_RUN)
    .sort((a, b) => b.length - a.length);
  const runs = new Set<string>();
  for (let start = 0; start + SHARED_RUN <= token.length; start += 1) runs.add(token.slice(start, start + SHARED_RUN));

  function text(value: string): string {
    let result = value;
    for (const form of exact) result = result.replaceAll(form, form === authorization || form === encodeURIComponent(authorization) ? AUTHORIZATION_PLACEHOLDER : TOKEN_MARK);
    return runs.size === 0 ? result : maskSharedRuns(result);
  }

  /** Masks every stretch of `value` made of overlapping SHARED_RUN-character pieces of the token. */
  function maskSharedRuns(value: string): string {
    let out = '';
    let index = 0;
    while (index <= value.length - SHARED_RUN) {
      if (!runs.has(value.slice(index, index + SHARED_RUN))) {
        out += value[index];
        index += 1;
        continue;
      }
      let end = index + SHARED_RUN;
      while (end < value.length && runs.has(value.slice(end - SHARED_RUN + 1, end + 1))) end += 1;
      out += TOKEN_MARK;
      index = end;
    }
    return out + value.slice(index);
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
      if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item)]));
      return node;
    };
    return { value: walk(value), changed };
  }

  return { text, json };
}

function lowerHexEscapes(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}
