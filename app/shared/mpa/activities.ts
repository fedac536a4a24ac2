/**
 * Reading MPA's activity answers (E3 GET one user, E4 POST query). Answers are read as
 * leniently as Microsoft's client reads them (multiplayer_activity_info.cpp): only `titleId`
 * and the user are required, a missing `platform` reads as Unknown, and activities of other
 * titles are left out. A user whose `activities` is null hit an error inside MPA: the answer
 * says so instead of calling it "no activity", so the caller can ask again.
 */
import * as z from 'zod/mini';

export interface MpaActivity {
  xuid: string;
  titleId: number;
  sequenceNumber?: number;
  /** Absent when the caller may not join (joinRestriction, full, or not followed by the owner). */
  connectionString?: string;
  joinRestriction?: string;
  maxPlayers?: number;
  currentPlayers?: number;
  groupId?: string;
  platform: string;
}

export interface MpaUserActivities {
  xuid: string;
  /** null: MPA failed for this user (retry); [] : no activity in this title. */
  activities: MpaActivity[] | null;
}

const activity = z.object({
  titleId: z.number(),
  sequenceNumber: z.optional(z.number()),
  connectionString: z.optional(z.string()),
  joinRestriction: z.optional(z.string()),
  maxPlayers: z.optional(z.number()),
  currentPlayers: z.optional(z.number()),
  groupId: z.optional(z.string()),
  platform: z.optional(z.string()),
});
type WireActivity = z.output<typeof activity>;

const queryAnswer = z.object({
  userActivities: z.array(z.object({ userId: z.string(), activities: z.nullable(z.array(activity)) })),
});

function toActivity(xuid: string, wire: WireActivity): MpaActivity {
  const { platform, ...rest } = wire;
  return { xuid, ...rest, platform: platform ?? 'Unknown' };
}

/** E4's body, this title's activities per user; undefined when the body is not MPA's shape. */
export function readActivityQuery(json: unknown, titleId: string): MpaUserActivities[] | undefined {
  const parsed = z.safeParse(queryAnswer, json);
  if (!parsed.success) return undefined;
  return parsed.data.userActivities.map((user) => ({
    xuid: user.userId,
    activities:
      user.activities === null
        ? null
        : user.activities.filter((one) => String(one.titleId) === titleId).map((one) => toActivity(user.userId, one)),
  }));
}

/** E3's body (one activity); undefined when it is not an activity. */
export function readOneActivity(json: unknown, xuid: string): MpaActivity | undefined {
  const parsed = z.safeParse(activity, json);
  return parsed.success ? toActivity(xuid, parsed.data) : undefined;
}
