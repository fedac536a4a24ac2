/**
 * When a form shows a field's message: once the user has left the field, or has tried to
 * submit (then every message shows at once). Shared by the Compose, profile and preset forms.
 */
export class TouchedFields<F extends string> {
  #touched = $state<Partial<Record<F, true>>>({});
  #attempted = $state(false);

  /** True when `field`'s message should be visible. */
  shows(field: F): boolean {
    return this.#touched[field] === true || this.#attempted;
  }

  touch(field: F): void {
    if (!this.#touched[field]) this.#touched[field] = true;
  }

  attempt(): void {
    this.#attempted = true;
  }

  /** A freshly loaded form starts quiet again. */
  reset(): void {
    this.#touched = {};
    this.#attempted = false;
  }
}
