/**
 * The draft the Compose form came from, if any. The draft changes only when the user says
 * so (Update draft): edits and sends leave it as saved. `savedSnapshot` is the form as last
 * stored, so the screen can say whether there are unsaved changes.
 */
import type { SendResult } from '../../../app/shared/contract/requests.ts';
import {
  draftFateAfterMpaSend,
  draftFateAfterSend,
  type DraftFate,
  type DraftSendChoice,
  type MpaSendOutcome,
} from '../../../app/shared/drafts/draft-fate.ts';
import { api } from '../api.ts';

export class DraftLink {
  id = $state<string | undefined>(undefined);
  name = $state('');
  savedAt = $state<string | undefined>(undefined);
  savedSnapshot = $state('');
  /** The user asked for the draft to be removed once everything in it is sent. */
  removeWhenSent = $state(false);
  /** What the last send from this form did to its draft, in words. */
  fate = $state<string | undefined>(undefined);

  link(id: string, name: string, snapshot: string, savedAt?: string): void {
    this.id = id;
    this.name = name;
    this.savedSnapshot = snapshot;
    this.savedAt = savedAt;
    this.removeWhenSent = false;
    this.fate = undefined;
  }

  unlink(): void {
    this.id = undefined;
    this.name = '';
    this.savedSnapshot = '';
    this.savedAt = undefined;
    this.removeWhenSent = false;
  }

  /** As a send starts: the choice it is made under (undefined without a draft), and last send's words go. */
  sending(snapshot: string): (DraftSendChoice & { id: string }) | undefined {
    this.fate = undefined;
    if (this.id === undefined) return undefined;
    return { id: this.id, name: this.name, removeWhenSent: this.removeWhenSent, unsavedChanges: snapshot !== this.savedSnapshot };
  }

  /** After an MPSD send's answer: removes the draft when that was asked and everything was sent, and says what became of it. */
  async settle(choice: (DraftSendChoice & { id: string }) | undefined, result: SendResult | undefined): Promise<void> {
    if (choice !== undefined) await this.#settle(choice, result === undefined ? undefined : draftFateAfterSend(choice, result));
  }

  /** The same after sendMpa's answer: an MPA call is one item, sent or not as a whole. */
  async settleMpa(choice: (DraftSendChoice & { id: string }) | undefined, result: MpaSendOutcome | undefined): Promise<void> {
    if (choice !== undefined) await this.#settle(choice, result === undefined ? undefined : draftFateAfterMpaSend(choice, result));
  }

  async #settle(choice: DraftSendChoice & { id: string }, fate: DraftFate | undefined): Promise<void> {
    if (fate === undefined) {
      this.fate = `Draft “${choice.name}” was kept: nothing was sent.`;
      return;
    }
    if (fate.remove) {
      const answer = await api.deleteDraft({ id: choice.id });
      if (!answer.ok) {
        this.fate = `Draft “${choice.name}” could not be removed, so it is kept: ${answer.error.message}`;
        return;
      }
      if (this.id === choice.id) this.unlink();
    }
    this.fate = fate.words;
  }
}
