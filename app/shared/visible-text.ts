/**
 * Text that came from a person, a store, a team file or a server, shown on a terminal or in a
 * message. Control characters (C0, DEL, C1) and bidirectional overrides would act rather than
 * show: ESC starts a colour, a window title or an OSC 52 clipboard write, BEL rings, U+202E
 * reverses what follows so a label can pass for another. They are written as visible escapes
 * (`\u{1b}`) instead, and the fields people name things with refuse them at input.
 */

// Matching control characters is what these are for. Line breaks and tabs are left to each use.
// eslint-disable-next-line no-control-regex -- see above
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
// eslint-disable-next-line no-control-regex -- see above
const HIDDEN_OR_BREAK = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** The characters of HIDDEN that JSON.stringify writes as they are (it escapes every C0 itself). */
const LEFT_RAW_BY_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

const escaped = (character: string): string => `\\u{${(character.codePointAt(0) ?? 0).toString(16)}}`;

/** Lines for a terminal: every control and bidi character escaped, line breaks and tabs kept. */
export function visibleLines(text: string): string {
  return text.replace(HIDDEN, escaped);
}

/** One value inside a line (a label, a piece of a server's answer): line breaks and tabs escaped too. */
export function visibleValue(text: string): string {
  return text.replace(HIDDEN_OR_BREAK, escaped);
}

/**
 * The first control or bidi character in `text` as `U+001B`, or undefined when there is none.
 * `lineBreaks` lets multi-line fields (notes) keep their line breaks and tabs.
 */
export function hiddenCharacterIn(text: string, lineBreaks = false): string | undefined {
  const pattern = lineBreaks ? HIDDEN : HIDDEN_OR_BREAK;
  pattern.lastIndex = 0;
  // A Windows line break (CR LF) is a line break too.
  const found = pattern.exec(lineBreaks ? text.replaceAll('\r\n', '\n') : text)?.[0];
  pattern.lastIndex = 0;
  return found === undefined ? undefined : `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Why a name, label or note cannot be kept as typed (it holds a control or direction character),
 * in words that follow the field's name; undefined when it can.
 */
export function hiddenCharacterProblem(text: string, lineBreaks = false): string | undefined {
  const found = hiddenCharacterIn(text, lineBreaks);
  return found === undefined
    ? undefined
    : `holds a control or text-direction character (${found}), which a terminal or a teammate's app would act on instead of showing: remove it`;
}

/** JSON text with every control and bidi character inside its strings written as \uXXXX: the same JSON values, shown rather than acted on. */
export function visibleJson(json: string): string {
  // JSON.stringify already escapes C0; DEL, C1 and the direction marks it leaves as they are.
  return json.replace(LEFT_RAW_BY_JSON, (character) => `\\u${(character.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
