import { describe, expect, it } from 'vitest';
import { formatInvitees, parseInvitees, recipientLabels } from './invitee-lines.ts';

describe('parseInvitees', () => {
  it('reads one XUID per line with an optional label, whatever separates them', () => {
    expect(parseInvitees('2814679796296491 Alice\n2814679796296492, Bob Smith\n2814679796296493\tQA box 3\n2814679796296494')).toEqual([
      { xuid: '2814679796296491', label: 'Alice', line: 1 },
      { xuid: '2814679796296492', label: 'Bob Smith', line: 2 },
      { xuid: '2814679796296493', label: 'QA box 3', line: 3 },
      { xuid: '2814679796296494', line: 4 },
    ]);
  });

  it('splits a line of bare XUIDs pasted from a list', () => {
    expect(parseInvitees('1, 2;3 4').map((invitee) => invitee.xuid)).toEqual(['1', '2', '3', '4']);
  });

  it('skips blank lines but keeps the line numbers people see', () => {
    expect(parseInvitees('\n  \r\n42 Alice\n')).toEqual([{ xuid: '42', label: 'Alice', line: 3 }]);
  });

  it('keeps a wrong XUID as typed so the schema can say which line is wrong', () => {
    expect(parseInvitees('bob Bob')).toEqual([{ xuid: 'bob', label: 'Bob', line: 1 }]);
  });
});

describe('recipientLabels', () => {
  it('labels each XUID once (the first label wins) and leaves out unlabelled and non-numeric ones', () => {
    const invitees = parseInvitees('42 Alice\n42 Alicia\n43\nbob Bob');
    expect(recipientLabels(invitees)).toEqual({ '42': 'Alice' });
  });
});

describe('formatInvitees', () => {
  it('writes the box back in the form it reads', () => {
    const text = formatInvitees(['42', '43'], { '42': 'Alice' });
    expect(text).toBe('42 Alice\n43');
    expect(parseInvitees(text)).toEqual([
      { xuid: '42', label: 'Alice', line: 1 },
      { xuid: '43', line: 2 },
    ]);
  });
});
