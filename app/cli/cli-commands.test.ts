/**
 * The command table in main.ts lists each command without importing it; these checks keep the
 * table and the modules that declare the commands in step.
 */
import { describe, expect, it } from 'vitest';
import type { CommandSpec } from './command.ts';
import { commandTable, firstSentence, loadCommand, overviewText } from './main.ts';

describe('the command table', () => {
  it('finds the spec of every row, and each row says the first sentence of its summary', async () => {
    for (const entry of commandTable) {
      const spec = await loadCommand(entry);
      expect(spec.path).toEqual(entry.path);
      expect(entry.line, `the overview line of "${entry.path.join(' ')}"`).toBe(firstSentence(spec.summary));
    }
  });

  it('lists every command the modules declare, once', async () => {
    const declared = new Set<CommandSpec>();
    for (const module of new Set(commandTable.map((entry) => entry.module))) for (const spec of await module()) declared.add(spec);
    const listed = commandTable.map((entry) => entry.path.join(' '));
    expect(new Set(listed).size).toBe(listed.length);
    expect([...declared].map((spec) => spec.path.join(' ')).sort()).toEqual([...listed].sort());
  });

  it('the overview names every command with its line', () => {
    const overview = overviewText();
    const rows = overview.split('\n').map((row) => row.trim().split(/ {2,}/));
    for (const entry of commandTable) expect(rows).toContainEqual([entry.path.join(' '), entry.line]);
  });
});
