/**
 * Who follows whom among the test users: what `joinRestriction: followed` and the query
 * monikers `people`, `friends` and `favorites` read. Nobody follows anybody until a follows
 * file (`emulator start --follows FILE`) or the control API (`POST /_emulator/follows`) says so,
 * so a test that needs a follower sets one up and a test that needs a stranger gets one for free.
 *
 * The JSON form, in the file and on the control API alike:
 * `{ "<xuid>": { "follows": ["<xuid>", ...], "favorites"?: ["<xuid>", ...] } }`.
 * Favorites are people the user follows and starred, so each must also be in `follows`.
 */
import * as z from '../shared/zod.ts';
import { keyedBy } from './config-files.ts';
import { isXuid } from './wire-checks.ts';

export interface FollowLists {
  follows: string[];
  favorites: string[];
}

export interface FollowGraph {
  /** True when `follower` follows `followed`. */
  follows(follower: string, followed: string): boolean;
  /** The people `xuid` follows (the `people` and `friends` monikers). */
  people(xuid: string): Set<string>;
  /** The people `xuid` marked as favorites (the `favorites` moniker). */
  favorites(xuid: string): Set<string>;
  /** Replaces the lists of each user named in `update`; other users keep theirs. */
  set(update: Readonly<Record<string, FollowLists>>): void;
  snapshot(): Record<string, FollowLists>;
}

const xuidText = z.string().check(z.refine(isXuid, { message: 'must be a decimal XUID string such as "2814660000000001"' }));

/** The follows document, checked; `knownXuid` rejects XUIDs that are not test users. */
export function followsSchema(knownXuid: (xuid: string) => boolean) {
  const user = xuidText.check(z.refine(knownXuid, { message: 'is not a test user of this emulator (GET /_emulator/users lists them)' }));
  return z.pipe(
    keyedBy(
      (xuid) => isXuid(xuid) && knownXuid(xuid),
      'each key must be the decimal XUID of a test user of this emulator (GET /_emulator/users lists them)',
      z.strictObject({
        follows: z.array(user, { message: 'follows must be an array of XUID strings' }),
        favorites: z.optional(z.array(user, { message: 'favorites must be an array of XUID strings' })),
      }),
    ).check(
      z.superRefine((graph, context) => {
        for (const [xuid, lists] of Object.entries(graph)) {
          for (const favorite of lists.favorites ?? []) {
            if (!lists.follows.includes(favorite)) {
              context.addIssue({
                code: 'custom',
                path: [xuid, 'favorites'],
                message: `favorite ${favorite} must also be in ${xuid}'s follows list (a favorite is someone you follow)`,
              });
            }
          }
        }
      }),
    ),
    z.transform((graph) =>
      Object.fromEntries(
        Object.entries(graph).map(([xuid, lists]): [string, FollowLists] => [
          xuid,
          { follows: lists.follows, favorites: lists.favorites ?? [] },
        ]),
      ),
    ),
  );
}

/** An empty graph: nobody follows anybody. */
export function createFollowGraph(): FollowGraph {
  const graph = new Map<string, { follows: Set<string>; favorites: Set<string> }>();
  return {
    follows: (follower, followed) => graph.get(follower)?.follows.has(followed) === true,
    people: (xuid) => new Set(graph.get(xuid)?.follows),
    favorites: (xuid) => new Set(graph.get(xuid)?.favorites),
    set(update) {
      for (const [xuid, lists] of Object.entries(update)) {
        graph.set(xuid, { follows: new Set(lists.follows), favorites: new Set(lists.favorites) });
      }
    },
    snapshot: () =>
      Object.fromEntries([...graph].map(([xuid, lists]) => [xuid, { follows: [...lists.follows], favorites: [...lists.favorites] }])),
  };
}
