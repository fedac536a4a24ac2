/**
 * The draft the Compose form is editing, if any: saving again updates it, and edits are
 * saved into it as the user types. `savedSnapshot` is the form as last stored, so opening a
 * draft does not count as a change.
 */
export class DraftLink {
  id = $state<string | undefined>(undefined);
  name = $state('');
  savedAt = $state<string | undefined>(undefined);
  savedSnapshot = '';

  link(id: string, name: string, snapshot: string, savedAt?: string): void {
    this.id = id;
    this.name = name;
    this.savedSnapshot = snapshot;
    this.savedAt = savedAt;
  }

  unlink(): void {
    this.id = undefined;
    this.name = '';
    this.savedSnapshot = '';
    this.savedAt = undefined;
  }
}
