import { expect, it } from 'vitest';
import { hiddenCharacterIn, visibleJson, visibleLines, visibleValue } from './visible-text.ts';

const EVIL = '\u202Eevil\u0007\u001b[31mred\u009b\u2066\u200f\u007f';

it('lines show every control and direction character as an escape, keeping line breaks and tabs', () => {
  expect(visibleLines(`a\tb\n${EVIL}\r`)).toBe('a\tb\n\\u{202e}evil\\u{7}\\u{1b}[31mred\\u{9b}\\u{2066}\\u{200f}\\u{7f}\\u{d}');
  expect(visibleLines('Plain, accented é and emoji 🎮 stay.')).toBe('Plain, accented é and emoji 🎮 stay.');
});

it('a value inside a line escapes its line breaks and tabs too', () => {
  expect(visibleValue('one\ntwo\tthree')).toBe('one\\u{a}two\\u{9}three');
});

it('JSON keeps its values: what JSON.stringify leaves raw is written as \\uXXXX', () => {
  const value = { label: EVIL, nested: ['\u2028'] };
  const shown = visibleJson(JSON.stringify(value, null, 2));
  expect(shown).not.toMatch(/[\u007f-\u009f\u200f\u2028\u202e\u2066]/);
  expect(JSON.parse(shown)).toEqual(value);
});

it('finds the first hidden character by code point; notes may keep line breaks, tabs and CR LF', () => {
  expect(hiddenCharacterIn('QA box 3')).toBeUndefined();
  expect(hiddenCharacterIn(`x${EVIL}`)).toBe('U+202E');
  expect(hiddenCharacterIn('line\nbreak')).toBe('U+000A');
  expect(hiddenCharacterIn('line\r\nbreak\tand tab', true)).toBeUndefined();
  expect(hiddenCharacterIn('lone\rreturn', true)).toBe('U+000D');
  // The same answer twice in a row (a global pattern keeps no state between calls).
  expect(hiddenCharacterIn('\u001b', true)).toBe('U+001B');
  expect(hiddenCharacterIn('\u001b', true)).toBe('U+001B');
});
