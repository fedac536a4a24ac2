/**
 * What the local MPA remembers: each user's activity per title, every invite sent, each user's
 * recent players, and the writes it refused as stale. The rules about who sees what live here
 * (mpa.md §2 E3/E4 "What a non-owner sees", "Lifetime"); the wire checks live in mpa-routes.ts.
 */
import type { FollowGraph } from '../follow-graph.ts';

export interface MpaActivityRecord {
  xuid: string;
  /** Decimal in the path, a JSON number in answers. */
  titleId: string;
  sequenceNumber: number;
  connectionString: string;
  joinRestriction: string;
  maxPlayers?: number;
  currentPlayers?: number;
  groupId?: string;
  platform?: string;
  /** The emulator's clock at the last write: an activity not written for 24 h is gone. */
  updatedAt: number;
}

export interface MpaInviteRecord {
  titleId: string;
  sender: string;
  invitedUser: string;
  /** '' when the invite carried none (the title is then launched with an empty string). */
  connectionString: string;
  platform?: string;
  /** ISO 8601 on the emulator's clock. */
  sentAt: string;
}

export interface MpaRecentPlayer {
  id: string;
  encounterType: string;
  timestamp: string;
}

export interface MpaSnapshot {
  activities: MpaActivityRecord[];
  invites: MpaInviteRecord[];
  /** By `<xuid>/<titleId>`: the caller's own one-way list. */
  recentPlayers: Record<string, MpaRecentPlayer[]>;
  /** Writes refused because their sequenceNumber was not above the last one. */
  staleWrites: number;
}

/** Learn live-mpa-activities: an activity not updated for 24 hours is removed. */
export const MPA_ACTIVITY_LIFETIME_MS = 24 * 60 * 60 * 1000;

export interface MpaBook {
  /** The live activity, or undefined (none, deleted, or expired). */
  activity(xuid: string, titleId: string): MpaActivityRecord | undefined;
  /** Every live activity of `xuid`, in every title. */
  activitiesOf(xuid: string): MpaActivityRecord[];
  /** The last sequence number written for this user and title (a delete counts), kept after expiry. */
  lastSequence(xuid: string, titleId: string): number | undefined;
  put(activity: Omit<MpaActivityRecord, 'updatedAt'>): void;
  /** Removes the activity (if any) and records the delete's sequence number. */
  remove(xuid: string, titleId: string, sequenceNumber: number): void;
  /** Presence shows the user stopped playing: MPA clears the activity (mpa.md "Lifetime", inferred switch). */
  presenceLost(xuid: string, titleId: string): boolean;
  noteStaleWrite(): void;
  addInvites(invites: MpaInviteRecord[]): void;
  addRecentPlayers(xuid: string, titleId: string, players: MpaRecentPlayer[]): void;
  /** Whether `viewer` is told `activity.connectionString`. */
  mayJoin(activity: MpaActivityRecord, viewer: string): boolean;
  snapshot(): MpaSnapshot;
}

const keyOf = (xuid: string, titleId: string) => `${xuid}/${titleId}`;

export function createMpaBook(now: () => number, follows: FollowGraph): MpaBook {
  const activities = new Map<string, MpaActivityRecord>();
  const sequences = new Map<string, number>();
  const invites: MpaInviteRecord[] = [];
  const recent = new Map<string, Map<string, MpaRecentPlayer>>();
  let staleWrites = 0;

  /** Expiry is checked whenever an activity is looked at, so a clock moved forward takes effect at once. */
  function live(key: string): MpaActivityRecord | undefined {
    const found = activities.get(key);
    if (found !== undefined && now() >= found.updatedAt + MPA_ACTIVITY_LIFETIME_MS) {
      activities.delete(key);
      return undefined;
    }
    return found;
  }

  return {
    activity: (xuid, titleId) => live(keyOf(xuid, titleId)),
    activitiesOf: (xuid) => [...activities.keys()].filter((key) => key.startsWith(`${xuid}/`)).flatMap((key) => live(key) ?? []),
    lastSequence: (xuid, titleId) => sequences.get(keyOf(xuid, titleId)),
    put(activity) {
      const key = keyOf(activity.xuid, activity.titleId);
      activities.set(key, { ...activity, updatedAt: now() });
      sequences.set(key, activity.sequenceNumber);
    },
    remove(xuid, titleId, sequenceNumber) {
      const key = keyOf(xuid, titleId);
      activities.delete(key);
      sequences.set(key, sequenceNumber);
    },
    presenceLost: (xuid, titleId) => activities.delete(keyOf(xuid, titleId)),
    noteStaleWrite() {
      staleWrites += 1;
    },
    addInvites(sent) {
      invites.push(...sent);
    },
    addRecentPlayers(xuid, titleId, players) {
      const key = keyOf(xuid, titleId);
      const list = recent.get(key) ?? new Map<string, MpaRecentPlayer>();
      // One entry per player, the newest encounter winning.
      for (const player of players) list.set(player.id, player);
      recent.set(key, list);
    },
    mayJoin(activity, viewer) {
      if (viewer === activity.xuid) return true;
      const full =
        activity.maxPlayers !== undefined && activity.currentPlayers !== undefined && activity.currentPlayers >= activity.maxPlayers;
      if (full) return false;
      if (activity.joinRestriction === 'InviteOnly') return false;
      // Followed: only people the activity's owner follows (Learn live-mpa-activities, Privacy).
      if (activity.joinRestriction === 'Followed') return follows.follows(activity.xuid, viewer);
      return true;
    },
    snapshot() {
      for (const key of [...activities.keys()]) live(key);
      return {
        activities: [...activities.values()].map((activity) => ({ ...activity })),
        invites: invites.map((invite) => ({ ...invite })),
        recentPlayers: Object.fromEntries([...recent].map(([key, list]) => [key, [...list.values()]])),
        staleWrites,
      };
    },
  };
}
