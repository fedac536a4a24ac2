/**
 * The OData subset MPSD's search-handle queries take (mpsd-sessions-and-invitees.md §4; BR:245-267):
 * comparisons `eq ne gt ge lt le` joined by `and`, with at most one `or`, at the root.
 *
 * Operands, in the forms Microsoft's session-browse docs write them:
 * - `numbers/<name> <op> 12.5`
 * - `strings/<name> <op> 'text'`, or `tolower(strings/<name>) <op> 'text'`
 * - a tag: `tags/any(d:tolower(d) eq 'elite')`, optionally followed by `eq true`
 * The only parentheses are those of `tolower(...)` and `any(...)`: no grouping, so an `or`
 * can never hide inside one. The doc lists the operators, not a grammar: anything past these
 * forms is refused **(inferred)**. Strings and tags match in lower case, as MPSD stores them.
 */
import type { SearchAttributes } from './handle-bodies.ts';
import { badRequest } from './wire-checks.ts';

const OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Operator = (typeof OPERATORS)[number];

type Comparison =
  | { kind: 'strings'; name: string; operator: Operator; value: string }
  | { kind: 'numbers'; name: string; operator: Operator; value: number }
  | { kind: 'tags'; tag: string };

/** Alternatives (joined by the single `or`), each a list of comparisons joined by `and`. */
export type SearchFilter = Comparison[][];

export interface SearchOrder {
  kind: 'strings' | 'numbers';
  name: string;
  descending: boolean;
}

interface Token {
  /** A quoted literal's text (quotes removed, '' read as '), a word, or one of ( ) : */
  text: string;
  quoted: boolean;
}

const TOKEN = /\s*(?:'((?:[^']|'')*)'|([():])|([^\s'():]+))/y;
/** OData numbers as MPSD keeps them (JSON numbers): no hex, no Infinity. */
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
/** The range variable of `any(d: ...)`: an identifier. */
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TAG_EXAMPLE = "tags/any(d:tolower(d) eq 'elite')";

function tokens(text: string): Token[] {
  const found: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) {
      if (text.slice(start).trim() === '') break;
      badRequest(`filter has an unterminated quoted string near "${text.slice(start, start + 30)}"; close it with '.`);
    }
    if (match[1] !== undefined) found.push({ text: match[1].replaceAll("''", "'"), quoted: true });
    else found.push({ text: (match[2] ?? match[3]) as string, quoted: false });
  }
  return found;
}

/** Reads tokens left to right; every `expect` names what was wanted where. */
class Reader {
  #tokens: Token[];
  #at = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  get done(): boolean {
    return this.#at >= this.#tokens.length;
  }

  /** The next token's word in lower case ('' for a quoted literal or the end), without taking it. */
  peekWord(): string {
    const token = this.#tokens[this.#at];
    return token === undefined || token.quoted ? '' : token.text.toLowerCase();
  }

  next(wanted: string): Token {
    const token = this.#tokens[this.#at];
    if (token === undefined) badRequest(`filter ends where ${wanted} was expected.`);
    this.#at += 1;
    return token;
  }

  /** Takes the next token, which must be the word or symbol `word` (any case). */
  expect(word: string, context: string): void {
    const token = this.next(`"${word}" (${context})`);
    if (token.quoted || token.text.toLowerCase() !== word)
      badRequest(`filter has "${token.text.slice(0, 30)}" where "${word}" was expected (${context}).`);
  }

  word(wanted: string): string {
    const token = this.next(wanted);
    if (token.quoted || /^[():]$/.test(token.text)) badRequest(`filter has "${token.text.slice(0, 30)}" where ${wanted} was expected.`);
    return token.text;
  }

  quoted(wanted: string): string {
    const token = this.next(wanted);
    if (!token.quoted) badRequest(`${wanted} compares with a quoted value, e.g. 'forest'; got ${token.text.slice(0, 20)}.`);
    return token.text;
  }
}

/** `strings/<name>`, `numbers/<name>` or `tags/<...>`; `also` ends the refusal with what else the place takes. */
function readPath(word: string, where: string, also = ''): { kind: 'strings' | 'numbers' | 'tags'; name: string } {
  const slash = word.indexOf('/');
  const kind = word.slice(0, slash).toLowerCase();
  const name = word.slice(slash + 1).toLowerCase();
  if (slash < 1 || (kind !== 'strings' && kind !== 'numbers' && kind !== 'tags') || name === '') {
    badRequest(`${where} "${word.slice(0, 40)}" must be strings/<name> or numbers/<name>${also}.`);
  }
  return { kind, name };
}

function readOperator(reader: Reader, operand: string): Operator {
  const operator = reader.word(`an operator after ${operand}`).toLowerCase();
  if (!(OPERATORS as readonly string[]).includes(operator))
    badRequest(`filter operator "${operator.slice(0, 10)}" is not one of ${OPERATORS.join(', ')}.`);
  return operator as Operator;
}

function readStringComparison(reader: Reader, name: string): Comparison {
  const operator = readOperator(reader, `strings/${name}`);
  return { kind: 'strings', name, operator, value: reader.quoted(`strings/${name}`).toLowerCase() };
}

/** `tags/any(d:tolower(d) eq 'elite')` [`eq true`], read from just after `tags/any`. */
function readTagTest(reader: Reader): Comparison {
  const form = `a tag is tested as ${TAG_EXAMPLE}`;
  reader.expect('(', form);
  const variable = reader.word(`the range variable of any(, e.g. d (${form})`);
  if (!VARIABLE.test(variable)) badRequest(`filter's any() range variable "${variable.slice(0, 20)}" must be a name such as d (${form}).`);
  reader.expect(':', form);
  reader.expect('tolower', `tags are stored in lower case, so ${form}`);
  reader.expect('(', form);
  reader.expect(variable.toLowerCase(), `tolower() takes the range variable ${variable}; ${form}`);
  reader.expect(')', form);
  reader.expect('eq', `any() holds one eq test of a tag; ${form}`);
  const tag = reader.quoted('the tag in any()').toLowerCase();
  reader.expect(')', `any() holds one eq test of a tag, no and/or inside; ${form}`);
  if (reader.peekWord() === 'eq') {
    reader.next('eq');
    reader.expect('true', `${TAG_EXAMPLE} may be followed by eq true, nothing else`);
  } else if ((OPERATORS as readonly string[]).includes(reader.peekWord())) {
    badRequest(`${TAG_EXAMPLE} may be followed by eq true, nothing else (got ${reader.peekWord()}).`);
  }
  return { kind: 'tags', tag };
}

function readComparison(reader: Reader): Comparison {
  const first = reader.next('a comparison');
  if (first.quoted)
    badRequest(`filter has the value '${first.text.slice(0, 30)}' where an attribute was expected, e.g. strings/map eq 'forest'.`);
  const word = first.text.toLowerCase();
  if (word === '(' || word === ')')
    badRequest('filter takes no grouping parentheses: comparisons joined by and, with at most one or at the root.');
  if (word === 'tolower') {
    reader.expect('(', 'tolower(strings/<name>)');
    const path = readPath(reader.word('strings/<name> inside tolower()'), 'tolower() operand');
    if (path.kind !== 'strings')
      badRequest(`tolower() takes strings/<name>; ${path.kind === 'tags' ? `test a tag as ${TAG_EXAMPLE}` : 'numbers have no case'}.`);
    reader.expect(')', 'tolower(strings/<name>)');
    return readStringComparison(reader, path.name);
  }
  const { kind, name } = readPath(first.text, 'filter operand', `, or a tag test such as ${TAG_EXAMPLE}`);
  if (kind === 'tags') {
    if (name !== 'any' || reader.peekWord() !== '(')
      badRequest(`filter operand "${first.text.slice(0, 40)}": a tag is tested as ${TAG_EXAMPLE}.`);
    return readTagTest(reader);
  }
  if (kind === 'strings') return readStringComparison(reader, name);
  const operator = readOperator(reader, `numbers/${name}`);
  const value = reader.next(`a number after numbers/${name} ${operator}`);
  if (value.quoted || !NUMBER.test(value.text)) badRequest(`numbers/${name} compares with a number, got ${value.text.slice(0, 20)}.`);
  return { kind: 'numbers', name, operator, value: Number(value.text) };
}

/** Parses a filter, or a 400 saying what is wrong with it. */
export function readSearchFilter(text: string): SearchFilter {
  const reader = new Reader(tokens(text));
  if (reader.done) badRequest('filter is empty; leave it out to match every searchable session.');
  const alternatives: Comparison[][] = [[]];
  for (;;) {
    (alternatives.at(-1) as Comparison[]).push(readComparison(reader));
    if (reader.done) return alternatives;
    const joiner = reader.word('and or or between comparisons').toLowerCase();
    if (joiner === 'or') {
      if (alternatives.length > 1) badRequest('filter may use at most one or, at the root.');
      alternatives.push([]);
    } else if (joiner !== 'and') {
      badRequest(`filter has "${joiner.slice(0, 30)}" where and or or was expected between comparisons.`);
    }
  }
}

/** Parses `orderBy`: `<strings|numbers>/<name> [asc|desc]`. */
export function readSearchOrder(text: string): SearchOrder {
  const words = text.trim().split(/\s+/);
  const direction = (words[1] ?? 'asc').toLowerCase();
  if (words.length > 2 || (direction !== 'asc' && direction !== 'desc') || words[0] === undefined || words[0] === '') {
    badRequest('orderBy must be "<strings|numbers>/<name> asc" or "... desc".');
  }
  const { kind, name } = readPath(words[0], 'orderBy');
  if (kind === 'tags') badRequest('orderBy sorts by strings/<name> or numbers/<name>, not by a tag.');
  return { kind, name, descending: direction === 'desc' };
}

function compare(actual: string | number, operator: Operator, expected: string | number): boolean {
  switch (operator) {
    case 'eq':
      return actual === expected;
    case 'ne':
      return actual !== expected;
    case 'gt':
      return actual > expected;
    case 'ge':
      return actual >= expected;
    case 'lt':
      return actual < expected;
    case 'le':
      return actual <= expected;
  }
}

function holds(comparison: Comparison, attributes: SearchAttributes): boolean {
  if (comparison.kind === 'tags') return attributes.tags.includes(comparison.tag);
  const actual = comparison.kind === 'strings' ? attributes.strings[comparison.name] : attributes.numbers[comparison.name];
  // A session without the attribute matches no comparison on it.
  return actual !== undefined && compare(actual, comparison.operator, comparison.value);
}

export function matchesFilter(filter: SearchFilter | undefined, attributes: SearchAttributes): boolean {
  return filter === undefined || filter.some((all) => all.every((comparison) => holds(comparison, attributes)));
}

/** Sorts in place by `order`; sessions without the attribute come last. */
export function sortBySearchOrder<T>(items: T[], order: SearchOrder | undefined, attributesOf: (item: T) => SearchAttributes): T[] {
  if (order === undefined) return items;
  const valueOf = (item: T) => (order.kind === 'strings' ? attributesOf(item).strings[order.name] : attributesOf(item).numbers[order.name]);
  return items.sort((left, right) => {
    const [a, b] = [valueOf(left), valueOf(right)];
    if (a === undefined || b === undefined) return a === undefined ? (b === undefined ? 0 : 1) : -1;
    const ascending = a < b ? -1 : a > b ? 1 : 0;
    return order.descending ? -ascending : ascending;
  });
}
