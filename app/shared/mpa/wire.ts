/**
 * MPA requests as they go on the wire, built the way Microsoft's client builds them
 * (XSAPI `Source/Services/MultiplayerActivity/multiplayer_activity_service.cpp`): the same
 * paths, field names, field order, and XUIDs as JSON strings while `sequenceNumber` is a JSON
 * number. Pure: the caller passes the sequence number and the time, so tests can pin both.
 */
import { HandleStudioError } from '../errors.ts';
import type { HttpMethod } from '../mpsd/wire.ts';
import { fieldProblems, problemsInWords } from '../validation.ts';
import type { z as classic } from 'zod';
import * as z from 'zod/mini';
import { mpaRequestSchema, type MpaKind, type MpaRequest } from './requests.ts';

/** Microsoft's MPA. The local MPA answers on the local MPSD's own origin (see mpaBaseUrlFor). */
export const MPA_BASE_URL = 'https://multiplayeractivity.xboxlive.com';
const MPSD_HOST = 'sessiondirectory.xboxlive.com';

/** XSAPI sets no contract version for MPA, so its HTTP layer sends its default, 1. */
export const MPA_CONTRACT_VERSION = '1';
/** What XSAPI's HTTP layer sends for a JSON body. */
export const MPA_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * MPA's fine-grained rate buckets (GDK-FGRL; per user and title, burst window 15 s, sustain
 * window 300 s). Which endpoint counts against which bucket is inferred from the bucket names.
 */
export const mpaBuckets = {
  activityWrite: { burst: 10, sustain: 100 },
  activityRead: { burst: 20, sustain: 200 },
  invites: { burst: 7, sustain: 50 },
  recentPlayers: { burst: 3, sustain: 50 },
} as const;
export type MpaBucket = keyof typeof mpaBuckets;
export const MPA_BURST_WINDOW_MS = 15_000;
export const MPA_SUSTAIN_WINDOW_MS = 300_000;

/** One HTTP request to MPA, before the base URL and Authorization are added. */
export interface MpaWire {
  kind: MpaKind;
  method: HttpMethod;
  path: string;
  body?: unknown;
  bucket: MpaBucket;
  /**
   * Calls that must not be repeated once they may have reached MPA. An invite would be sent
   * twice; a set or delete repeated with its sequence number is a stale write.
   */
  notIdempotent: boolean;
}

/** Every problem of an MPA request in one VALIDATION error (what is wrong, how to fix it). */
export function parseMpaRequest(input: unknown): MpaRequest {
  const parsed = z.safeParse(mpaRequestSchema, input);
  if (parsed.success) return parsed.data;
  // fieldProblems only reads `issues`, which zod/mini's error carries exactly as classic zod's does.
  const problems = fieldProblems(parsed.error as unknown as classic.ZodError);
  throw new HandleStudioError(
    'VALIDATION',
    problemsInWords(
      problems.map(({ field, message }) => ({ where: field, message })),
      'The MPA request is not valid.',
    ),
    {
      fields: problems,
    },
  );
}

/**
 * The base URL for MPA calls of a profile whose MPSD endpoint is `mpsdEndpoint`: Microsoft's
 * MPSD means Microsoft's MPA; any other endpoint is a local MPSD, which serves MPA on the same
 * origin under `/titles/`.
 */
export function mpaBaseUrlFor(mpsdEndpoint: string): string {
  return new URL(mpsdEndpoint).host === MPSD_HOST ? MPA_BASE_URL : new URL(mpsdEndpoint).origin;
}

/** `2026-12-01T13:05:00Z`: XSAPI serialises recent-player times as ISO 8601 from whole seconds. */
function isoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

export interface MpaWireOptions {
  /** Used when the request names none (see sequence-number.ts). */
  sequenceNumber: number;
  /** Epoch ms: recent players' encounter time. */
  now: number;
}

/** The request laid out as XSAPI lays it out. Optional fields XSAPI leaves out are left out. */
export function buildMpaWire(request: MpaRequest, options: MpaWireOptions): MpaWire {
  const titles = `/titles/${request.titleId}`;
  switch (request.kind) {
    case 'mpa.activity.set': {
      const body: Record<string, unknown> = {
        sequenceNumber: request.sequenceNumber ?? options.sequenceNumber,
        connectionString: request.connectionString,
        joinRestriction: request.joinRestriction,
      };
      if (request.maxPlayers !== undefined) body.maxPlayers = request.maxPlayers;
      if (request.currentPlayers !== undefined) body.currentPlayers = request.currentPlayers;
      if (request.groupId !== undefined) body.groupId = request.groupId;
      if (request.platform !== undefined) body.platform = request.platform;
      return {
        kind: request.kind,
        method: 'PUT',
        path: `${titles}/users/${request.xuid}/activities`,
        body,
        bucket: 'activityWrite',
        notIdempotent: true,
      };
    }
    case 'mpa.activity.delete':
      return {
        kind: request.kind,
        method: 'DELETE',
        path: `${titles}/users/${request.xuid}/activities`,
        body: { sequenceNumber: request.sequenceNumber ?? options.sequenceNumber },
        bucket: 'activityWrite',
        notIdempotent: true,
      };
    case 'mpa.activity.get':
      return {
        kind: request.kind,
        method: 'GET',
        path: `${titles}/users/${request.xuid}/activities`,
        bucket: 'activityRead',
        notIdempotent: false,
      };
    case 'mpa.activity.query':
      return {
        kind: request.kind,
        method: 'POST',
        path: `${titles}/activities/query`,
        body: { users: request.users },
        bucket: 'activityRead',
        notIdempotent: false,
      };
    case 'mpa.invite.send': {
      const body: Record<string, unknown> = {};
      if (request.platform !== undefined) body.platform = request.platform;
      if (request.connectionString !== undefined) body.connectionString = request.connectionString;
      body.invitedUsers = request.invitedUsers;
      return { kind: request.kind, method: 'POST', path: `${titles}/invites`, body, bucket: 'invites', notIdempotent: true };
    }
    case 'mpa.recentPlayers.update': {
      const timestamp = isoSeconds(options.now);
      const recentPlayers = request.recentPlayers.map((player) => ({ id: player.id, timestamp, encounterType: player.encounterType }));
      // One-way and additive: sending the same list again changes nothing, so a retry is safe.
      return {
        kind: request.kind,
        method: 'POST',
        path: `${titles}/recentplayers`,
        body: { recentPlayers },
        bucket: 'recentPlayers',
        notIdempotent: false,
      };
    }
  }
}

/** Parses and builds in one step, for callers holding unchecked input. */
export function mpaWireFor(input: unknown, options: MpaWireOptions): MpaWire {
  return buildMpaWire(parseMpaRequest(input), options);
}
