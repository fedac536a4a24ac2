import type { HandlersFor } from '../../shared/contract/define.ts';
import type { draftChannels } from '../../shared/contract/drafts.ts';
import type { DraftsStore } from './drafts-store.ts';

/** The drafts channels, answered from the store. Sending a draft is the lead's send flow: get, validate, send, delete. */
export function createDraftHandlers(deps: { drafts: DraftsStore }): HandlersFor<typeof draftChannels> {
  return {
    listDrafts: async () => ({ drafts: deps.drafts.list(), unreadable: deps.drafts.unreadable() }),
    getDraft: async ({ id }) => deps.drafts.get(id),
    saveDraft: async (input) => deps.drafts.save(input),
    renameDraft: async ({ id, name }) => deps.drafts.rename(id, name),
    deleteDraft: async ({ id }) => ({ deleted: deps.drafts.delete(id) }),
  };
}
