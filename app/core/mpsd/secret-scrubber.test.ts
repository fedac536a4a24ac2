import { describe, expect, it } from 'vitest';
import { createSecretScrubber } from './secret-scrubber.ts';

const TOKEN = 'eyJhbGciOiJSU0EtT0FFUCJ9.SECRETpart+with/slash=andMoreRandomBase64Text0123456789abcdef';
const AUTHORIZATION = `XBL3.0 x=1234567890;${TOKEN}`;
const scrubber = createSecretScrubber(AUTHORIZATION);

function assertNoSecret(text: string): void {
  // No 16-character piece of the token survives.
  for (let start = 0; start + 16 <= TOKEN.length; start += 1) expect(text).not.toContain(TOKEN.slice(start, start + 16));
}

describe('secret scrubber', () => {
  it('masks the whole header and the token alone', () => {
    expect(scrubber.text(`echo: ${AUTHORIZATION}`)).toBe('echo: XBL3.0 x=<uhs>;<token>');
    expect(scrubber.text(`token ${TOKEN} end`)).toBe('token <token> end');
  });

  it('masks percent-encoded echoes, upper- and lower-case', () => {
    assertNoSecret(scrubber.text(`?auth=${encodeURIComponent(AUTHORIZATION)}`));
    assertNoSecret(scrubber.text(`?t=${encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}`));
  });

  it('masks a token cut off by the body cap, and a partial quote', () => {
    assertNoSecret(scrubber.text(`{"message":"bad header ${AUTHORIZATION.slice(0, -1)}`));
    expect(scrubber.text(`quoted ${TOKEN.slice(10, 40)} only`)).toBe('quoted <token> only');
  });

  it('masks a 16-character piece wherever it starts in the text (the quick check reads every eighth position only)', () => {
    for (let lead = 0; lead < 8; lead += 1) {
      for (const start of [0, 1, 7, 8, 9, 15, TOKEN.length - 16]) {
        const piece = TOKEN.slice(start, start + 16);
        expect(scrubber.text(`${'-'.repeat(lead)}${piece}!`)).toBe(`${'-'.repeat(lead)}<token>!`);
      }
      expect(scrubber.text(`${'-'.repeat(lead)}${encodeURIComponent(AUTHORIZATION)}`)).toBe(`${'-'.repeat(lead)}XBL3.0 x=<uhs>;<token>`);
    }
  });

  it('masks JSON-escaped echoes once the JSON is decoded', () => {
    const body = JSON.stringify({ message: `Malformed header: ${AUTHORIZATION}` })
      .replaceAll('+', '\\u002B')
      .replaceAll('/', '\\/');
    const { value, changed } = scrubber.json(JSON.parse(body));
    expect(changed).toBe(true);
    assertNoSecret(JSON.stringify(value));
  });

  it('leaves ordinary MPSD answers alone', () => {
    const answer = '{"id":"e6198d57-cace-473a-bc1e-c6e77530491b","type":"invite","invitedXuid":"2814660000000002"}';
    expect(scrubber.text(answer)).toBe(answer);
    expect(scrubber.json(JSON.parse(answer)).changed).toBe(false);
  });
});
