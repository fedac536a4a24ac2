/**
 * How the IPC contract is declared. A channel is one request/response pair with a zod
 * schema on each side; an event is one main-to-renderer message with a payload schema.
 * Everything else (window.api's type, the preload bridge, main's and the host's handler
 * registration) is derived from these declarations, so renaming a channel breaks
 * typecheck at every use.
 */
import type * as z from '../zod.ts';
import type { Result } from '../errors.ts';

export interface ChannelSpec<I extends z.ZodMiniType = z.ZodMiniType, O extends z.ZodMiniType = z.ZodMiniType> {
  /** Parsed in main before any service runs; unknown fields are refused (strict objects). */
  readonly input: I;
  /** Parsed before the answer leaves main: unknown keys are stripped, so nothing extra leaks. */
  readonly output: O;
  /** One line for people reading the contract. */
  readonly doc: string;
}

export interface EventSpec<P extends z.ZodMiniType = z.ZodMiniType> {
  readonly payload: P;
  readonly doc: string;
}

// Marked free of side effects so a bundle that imports a contract file for one constant (the
// page: an enum) leaves out the channels it never calls (zod's builders are marked alike).
/* @__NO_SIDE_EFFECTS__ */
export function channel<I extends z.ZodMiniType, O extends z.ZodMiniType>(input: I, output: O, doc: string): ChannelSpec<I, O> {
  return { input, output, doc };
}

/* @__NO_SIDE_EFFECTS__ */
export function event<P extends z.ZodMiniType>(payload: P, doc: string): EventSpec<P> {
  return { payload, doc };
}

export type ChannelMap = Record<string, ChannelSpec>;
export type EventMap = Record<string, EventSpec>;

/** The renderer-side view of a channel map: one promise-returning method per channel. */
export type ApiMethods<C extends ChannelMap> = {
  [K in keyof C]: (input: z.input<C[K]['input']>) => Promise<Result<z.output<C[K]['output']>>>;
};

/** Subscriptions, one per event; each returns its unsubscribe function. */
export type ApiEvents<E extends EventMap> = {
  [K in keyof E]: (listener: (payload: z.output<E[K]['payload']>) => void) => () => void;
};

/**
 * The core-side view: one handler per channel. It receives the parsed input and returns
 * the output (or throws a HandleStudioError); the dispatcher does the parsing and wrapping.
 */
export type HandlersFor<C extends ChannelMap> = {
  [K in keyof C]: (input: z.output<C[K]['input']>) => Promise<z.input<C[K]['output']>>;
};

/** How core publishes an event; main forwards it over IPC, the host over Server-Sent Events. */
export type EventPublisher<E extends EventMap> = <K extends keyof E & string>(name: K, payload: z.input<E[K]['payload']>) => void;
