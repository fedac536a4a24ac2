/**
 * The outbox item an `outbox reassign ITEM` or `outbox dismiss ITEM` names. Ids are UUIDs, long
 * to type, so a unique start of one will do, as git takes a unique start of a commit hash: at
 * least MIN_PREFIX characters (fewer would pick an item by chance as the outbox grows), matching
 * exactly one item. A start that several items share is refused, naming them, so the wrong item
 * is never moved or dismissed. What matches nothing goes to core as typed, which says there is
 * no such item (or what is wrong with the id).
 */
import { outboxChannels } from '../shared/contract/outbox.ts';
import { HandleStudioError } from '../shared/errors.ts';
import { callChannel, type CliContext } from './context.ts';

export const MIN_PREFIX = 6;

/** listOutbox's largest page: a prefix is checked against every item only when they all fit in it. */
const LIST_LIMIT = 1000;

/** How many candidates an ambiguous prefix names before it only counts the rest. */
const NAMED_CANDIDATES = 5;

export async function outboxItemId(context: CliContext, given: string): Promise<string> {
  const typed = given.trim();
  const { items, damaged } = await callChannel(context, outboxChannels, 'listOutbox', { limit: LIST_LIMIT });
  // A damaged row can be dismissed too: its id is all that can be read of it.
  const ids = [...items.map((item) => item.id), ...(damaged ?? []).map((row) => row.id)];
  if (ids.includes(typed)) return typed;
  const start = typed.toLowerCase();
  const matching = ids.filter((id) => id.toLowerCase().startsWith(start));
  const [only] = matching;
  if (only === undefined) return typed;
  if (typed.length < MIN_PREFIX) {
    throw new HandleStudioError(
      'VALIDATION',
      `ITEM "${typed}" is too short to pick an outbox item: give at least ${MIN_PREFIX} characters of its id, or all of it (\`handle-studio outbox list\` shows them).`,
      { field: 'ITEM' },
    );
  }
  if (items.length >= LIST_LIMIT) {
    throw new HandleStudioError(
      'VALIDATION',
      `The outbox holds more than ${LIST_LIMIT} items, so the start of an id cannot be checked against all of them: give the item's whole id (\`handle-studio outbox list --state ...\` shows them).`,
      { field: 'ITEM' },
    );
  }
  if (matching.length > 1) {
    const named = matching.slice(0, NAMED_CANDIDATES).join(', ');
    const more = matching.length > NAMED_CANDIDATES ? ` and ${matching.length - NAMED_CANDIDATES} more` : '';
    throw new HandleStudioError(
      'VALIDATION',
      `ITEM "${typed}" is the start of ${matching.length} outbox items' ids (${named}${more}): give more of the id, so it names one.`,
      { field: 'ITEM' },
    );
  }
  return only;
}
