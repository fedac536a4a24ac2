/**
 * What the Compose, profile and preset forms truly share: each checks its typed text with a
 * shared schema and places the issues on its own fields (`problems`, their own business), and
 * all three show a field's message the same way, once the user has left the field or has
 * tried to submit (see TouchedFields).
 */
import { TouchedFields } from './touched-fields.svelte.ts';

export abstract class ValidatedForm<F extends string> {
  readonly #touches = new TouchedFields<F>();

  /** The message each field has now, shown or not. */
  abstract readonly problems: Partial<Record<F, string>>;

  /** The message to show under `field`: only once the user has been there (or tried to submit). */
  messageFor(field: F): string | undefined {
    return this.#touches.shows(field) ? this.problems[field] : undefined;
  }

  touch(field: F): void {
    this.#touches.touch(field);
  }

  /** After a submit attempt every message shows, touched or not. */
  attempt(): void {
    this.#touches.attempt();
  }

  /** A freshly loaded form starts quiet again. */
  protected forgetTouches(): void {
    this.#touches.reset();
  }
}
