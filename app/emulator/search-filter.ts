/**
 * The OData subset MPSD's search-handle queries take (mpsd-sessions-and-invitees.md §4; BR:245-267):
 * comparisons `eq ne gt ge lt le` joined by `and`, with at most one `or`, at the root.
 *
 * Operands are `strings/<name> op 'text'`, `numbers/<name> op 12.5` and `tags/<name> eq true`
 * (or `ne`, `false`). The doc lists the operators, not the operand paths: this spelling of
 * paths and tag tests is the emulator's **(inferred)**. Strings and names match in lower case,
 * as MPSD stores them.
 */
import type { SearchAttributes } from './handle-bodies.ts';
import { badRequest } from './wire-checks.ts';

const OPERATORS = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Operator = (typeof OPERATORS)[number];
type Kind = 'strings' | 'numbers' | 'tags';

interface Comparison {
  kind: Kind;
  name: string;
  operator: Operator;
  value: string | number | boolean;
}

/** Alternatives (joined by the single `or`), each a list of comparisons joined by `and`. */
export type SearchFilter = Comparison[][];

export interface SearchOrder {
  kind: 'strings' | 'numbers';
  name: string;
  descending: boolean;
}

const TOKEN = /\s*(?:'((?:[^']|'')*)'|([^\s']+))/y;

function tokens(text: string): { word: string; quoted: boolean }[] {
  const found: { word: string; quoted: boolean }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (match === null) {
      if (text.slice(start).trim() === '') break;
      badRequest(`filter has an unterminated quoted string near "${text.slice(start, start + 30)}"; close it with '.`);
    }
    if (match[1] !== undefined) found.push({ word: match[1].replaceAll("''", "'"), quoted: true });
    else if (match[2] !== undefined) found.push({ word: match[2], quoted: false });
  }
  return found;
}

function readPath(word: string, where: string): { kind: Kind; name: string } {
  const slash = word.indexOf('/');
  const kind = word.slice(0, slash).toLowerCase();
  const name = word.slice(slash + 1).toLowerCase();
  if (slash < 1 || (kind !== 'strings' && kind !== 'numbers' && kind !== 'tags') || name === '') {
    badRequest(`${where} "${word.slice(0, 40)}" must be strings/<name>, numbers/<name> or tags/<name>.`);
  }
  return { kind, name };
}

function readComparison(words: { word: string; quoted: boolean }[]): Comparison {
  const [path, operator, value] = words;
  if (words.length !== 3 || path === undefined || operator === undefined || value === undefined || path.quoted || operator.quoted) {
    badRequest(`filter part "${words.map((word) => word.word).join(' ').slice(0, 60)}" must be <path> <eq|ne|gt|ge|lt|le> <value>.`);
  }
  const { kind, name } = readPath(path.word, 'filter operand');
  const op = operator.word.toLowerCase();
  if (!(OPERATORS as readonly string[]).includes(op)) badRequest(`filter operator "${operator.word.slice(0, 10)}" is not one of ${OPERATORS.join(', ')}.`);
  if (kind === 'strings') {
    if (!value.quoted) badRequest(`strings/${name} compares with a quoted value, e.g. 'forest'.`);
    return { kind, name, operator: op as Operator, value: value.word.toLowerCase() };
  }
  if (kind === 'numbers') {
    const number = value.quoted ? Number.NaN : Number(value.word);
    if (!Number.isFinite(number)) badRequest(`numbers/${name} compares with a number, got ${value.word.slice(0, 20)}.`);
    return { kind, name, operator: op as Operator, value: number };
  }
  const flag = value.quoted ? undefined : value.word.toLowerCase();
  if ((flag !== 'true' && flag !== 'false') || (op !== 'eq' && op !== 'ne')) badRequest(`tags/${name} is tested with eq or ne and true or false.`);
  return { kind, name, operator: op as Operator, value: flag === 'true' };
}

/** Parses a filter, or a 400 saying what is wrong with it. */
export function readSearchFilter(text: string): SearchFilter {
  const words = tokens(text);
  if (words.length === 0) badRequest('filter is empty; leave it out to match every searchable session.');
  if (words.some((word) => !word.quoted && /[()]/.test(word.word))) badRequest('filter takes no parentheses: comparisons joined by and, with at most one or at the root.');
  const alternatives: Comparison[][] = [[]];
  let current: { word: string; quoted: boolean }[] = [];
  for (const word of [...words, { word: 'and', quoted: false }]) {
    const joiner = word.quoted ? '' : word.word.toLowerCase();
    if (joiner !== 'and' && joiner !== 'or') {
      current.push(word);
      continue;
    }
    (alternatives.at(-1) as Comparison[]).push(readComparison(current));
    current = [];
    if (joiner === 'or') {
      if (alternatives.length > 1) badRequest('filter may use at most one or, at the root.');
      alternatives.push([]);
    }
  }
  return alternatives;
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
  if (comparison.kind === 'tags') {
    const has = attributes.tags.includes(comparison.name);
    return comparison.operator === 'eq' ? has === comparison.value : has !== comparison.value;
  }
  const actual = comparison.kind === 'strings' ? attributes.strings[comparison.name] : attributes.numbers[comparison.name];
  // A session without the attribute matches no comparison on it.
  return actual !== undefined && compare(actual, comparison.operator, comparison.value as string | number);
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
