/**
 * Bad days on demand: slow answers, 500/503s, dropped connections and requests that never
 * get an answer, so client retry, timeout and "outcome unknown" paths can be tested against
 * a real socket. Faults apply to MPSD calls only, never to the `/_emulator/` control API.
 */
import { invalidSetup } from './setup-errors.ts';

interface RuleScope {
  /** How many matching requests the rule applies to; then it clears itself. Forever when absent. */
  count?: number;
  /** A regular expression tested against the request path (with query string), e.g. "^/handles". */
  pathPattern?: string;
}

export type FaultRule = RuleScope &
  (
    | { kind: 'latency'; ms: number }
    | { kind: 'status'; status: 500 | 503; retryAfterSeconds?: number; text?: string }
    | { kind: 'drop' }
    | { kind: 'hang' }
  );

export interface FaultSwitch {
  /** Replaces the active rule; throws VALIDATION with a sentence when the rule is malformed. */
  set(rule: FaultRule): void;
  clear(): void;
  /** The active rule, if any. */
  current(): FaultRule | null;
  /** For the server: the rule that applies to this request (using up one of its `count`), or null. */
  take(path: string): FaultRule | null;
}

const LATENCY_MAX_MS = 120_000;

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}

/** Checks a rule from code or from the control API's JSON. */
export function readFaultRule(value: unknown): FaultRule {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    invalidSetup('A fault rule must be an object such as { "kind": "status", "status": 503 }.');
  }
  const rule = value as Record<string, unknown>;
  const common = ['kind', 'count', 'pathPattern'];
  const allowedByKind: Record<string, string[]> = {
    latency: [...common, 'ms'],
    status: [...common, 'status', 'retryAfterSeconds', 'text'],
    drop: common,
    hang: common,
  };
  const allowed = typeof rule.kind === 'string' ? allowedByKind[rule.kind] : undefined;
  if (allowed === undefined) invalidSetup('Fault kind must be one of latency, status, drop, hang.');
  const unknown = Object.keys(rule).find((key) => !allowed.includes(key));
  if (unknown !== undefined) invalidSetup(`Fault field ${unknown} does not apply to kind ${String(rule.kind)}; remove it.`);
  if (rule.count !== undefined && !isCount(rule.count)) invalidSetup('Fault count must be a whole number of requests, 1 or more.');
  if (rule.pathPattern !== undefined) {
    if (typeof rule.pathPattern !== 'string' || rule.pathPattern === '') {
      invalidSetup('Fault pathPattern must be a non-empty regular expression string, e.g. "^/handles".');
    }
    try {
      new RegExp(rule.pathPattern);
    } catch {
      invalidSetup(`Fault pathPattern "${rule.pathPattern.slice(0, 60)}" is not a valid regular expression.`);
    }
  }
  if (rule.kind === 'latency') {
    if (typeof rule.ms !== 'number' || !Number.isInteger(rule.ms) || rule.ms < 0 || rule.ms > LATENCY_MAX_MS) {
      invalidSetup(`Latency ms must be a whole number from 0 to ${LATENCY_MAX_MS}.`);
    }
  }
  if (rule.kind === 'status') {
    if (rule.status !== 500 && rule.status !== 503) invalidSetup('Fault status must be 500 or 503.');
    if (rule.retryAfterSeconds !== undefined && !isCount(rule.retryAfterSeconds)) {
      invalidSetup('retryAfterSeconds must be a whole number of seconds, 1 or more.');
    }
    if (rule.text !== undefined && typeof rule.text !== 'string') invalidSetup('Fault text must be a string.');
  }
  // Every field was checked above against the rule's kind.
  return { ...rule } as unknown as FaultRule;
}

/** A switch with no fault set: every request is served normally until a test sets one. */
export function createFaultSwitch(): FaultSwitch {
  let active: { rule: FaultRule; pattern: RegExp | null; remaining: number } | null = null;
  return {
    set(rule) {
      const checked = readFaultRule(rule);
      active = {
        rule: checked,
        pattern: checked.pathPattern === undefined ? null : new RegExp(checked.pathPattern),
        remaining: checked.count ?? Number.POSITIVE_INFINITY,
      };
    },
    clear() {
      active = null;
    },
    current: () => (active === null ? null : { ...active.rule }),
    take(path) {
      if (active === null || (active.pattern !== null && !active.pattern.test(path))) return null;
      const rule = active.rule;
      active.remaining -= 1;
      if (active.remaining <= 0) active = null;
      return rule;
    },
  };
}
