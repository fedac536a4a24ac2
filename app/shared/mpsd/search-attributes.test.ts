import { describe, expect, it } from 'vitest';
import { HandleStudioError } from '../errors.ts';
import { parseHandleRequest } from './requests.ts';

const SESSION_REF = { scid: 'bd6c41c3-01c3-468a-a3b5-3e0fe8133862', templateName: 'GameSession', name: 'lobby-7' };
const search = (searchAttributes: unknown) => ({ kind: 'search.create', sessionRef: SESSION_REF, searchAttributes });
const query = (fields: Record<string, unknown>) => ({
  kind: 'search.query',
  scid: SESSION_REF.scid,
  templateName: 'GameSession',
  ...fields,
});

function problem(input: unknown): string {
  try {
    parseHandleRequest(input);
  } catch (thrown) {
    expect((thrown as HandleStudioError).code).toBe('VALIDATION');
    return (thrown as HandleStudioError).message;
  }
  throw new Error('expected the request to be refused');
}

describe('search attributes', () => {
  it("accepts MPSD's own examples", () => {
    const attributes = {
      tags: ['ProRankOnly', 'norocketlaunchers'],
      strings: { MapName: 'UrbanCityAssault', description: 'Fun casual game, new people welcome.' },
      numbers: { MinLevel: 25, halokdratio: 1.5 },
    };
    expect(parseHandleRequest(search(attributes))).toMatchObject({ searchAttributes: attributes });
  });

  it('refuses names that do not start with a letter, hold spaces or reach 100 characters', () => {
    expect(problem(search({ tags: ['1stPlace'] }))).toContain('Tag "1stPlace" must start with a letter and hold no spaces');
    expect(problem(search({ tags: ['cool people'] }))).toContain('must start with a letter and hold no spaces');
    expect(problem(search({ strings: { 'Map Name': 'x' } }))).toContain('Attribute name "Map Name" must start with a letter');
    expect(problem(search({ numbers: { _rank: 1 } }))).toContain('Attribute name "_rank"');
    expect(problem(search({ tags: [`t${'x'.repeat(99)}`] }))).toContain('fewer than 100 characters');
    expect(() => parseHandleRequest(search({ tags: [`t${'x'.repeat(98)}`] }))).not.toThrow();
  });

  it('refuses values of the wrong kind, saying which kind is wanted', () => {
    expect(problem(search({ numbers: { MinLevel: '25' } }))).toContain('must be a number');
    expect(problem(search({ strings: { MapName: 3 } }))).toContain('must be text');
    expect(problem(search({ strings: { MapName: 'x'.repeat(100) } }))).toContain('at most 99 characters');
  });
});

describe('search queries', () => {
  it("take MPSD's documented filters", () => {
    for (const filter of [
      "tags/any(d:tolower(d) eq 'coolpeopleonly') eq true and numbers/halokdratio eq 7.5",
      "tags/any(a:tolower(a) eq 'elite') or number/guns gt 15 and string/clan eq 'purple'",
      "tolower(strings/forzacarclass) ne 'classa'",
      "strings/motto eq 'to be or not to be'",
      "strings/motto eq 'it''s or never'",
    ]) {
      expect(parseHandleRequest(query({ filter })), filter).toMatchObject({ filter });
    }
  });

  it('refuse more than one or, an or inside parentheses, and an unclosed quote', () => {
    expect(problem(query({ filter: 'numbers/a eq 1 or numbers/b eq 2 or numbers/c eq 3' }))).toContain('at most one "or"');
    expect(problem(query({ filter: 'numbers/a eq 1 and (numbers/b eq 2 or numbers/c eq 3)' }))).toContain('not inside parentheses');
    expect(problem(query({ filter: "strings/clan eq 'purple" }))).toContain('unclosed quote');
    expect(problem(query({ filter: '  ' }))).toContain('The filter is empty');
  });

  it('order by one attribute, ascending or descending', () => {
    expect(parseHandleRequest(query({ orderBy: 'numbers/rank desc' }))).toMatchObject({ orderBy: 'numbers/rank desc' });
    expect(problem(query({ orderBy: 'numbers/rank' }))).toContain('then asc or desc');
    expect(problem(query({ orderBy: 'numbers/rank down' }))).toContain('then asc or desc');
  });

  it('need a template: search handles are found per template', () => {
    expect(problem({ kind: 'search.query', scid: SESSION_REF.scid })).toContain('templateName: Template name is required');
  });
});

describe('transfer handles and handle joins', () => {
  it('refuse a transfer from a session to itself, whatever the case of its names', () => {
    const origin = { ...SESSION_REF, templateName: 'gamesession', name: 'LOBBY-7' };
    expect(problem({ kind: 'transfer.create', sessionRef: SESSION_REF, originSessionRef: origin })).toContain(
      'give a different origin session',
    );
    expect(() =>
      parseHandleRequest({ kind: 'transfer.create', sessionRef: SESSION_REF, originSessionRef: { ...origin, name: 'lobby-8' } }),
    ).not.toThrow();
  });

  it("a handle join needs the joining user's XUID", () => {
    expect(problem({ kind: 'handle.join', handleId: '47ca0049-a5ba-4bc1-aa22-fcf834ce4c13' })).toContain('xuid: XUID is required');
  });
});
