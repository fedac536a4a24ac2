/** The draft the Compose form is editing, if any: saving again updates it. */
export class DraftLink {
  id = $state<string | undefined>(undefined);
  name = $state('');

  link(id: string, name: string): void {
    this.id = id;
    this.name = name;
  }

  unlink(): void {
    this.id = undefined;
    this.name = '';
  }
}
