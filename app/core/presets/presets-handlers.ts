import type { HandlersFor } from '../../shared/contract/define.ts';
import type { presetChannels } from '../../shared/contract/presets.ts';
import type { PresetsStore } from './presets-store.ts';

/** The presets channels, answered from the store. */
export function createPresetHandlers(deps: { presets: PresetsStore }): HandlersFor<typeof presetChannels> {
  const { presets } = deps;
  return {
    listPresets: async (input) => ({ presets: presets.list(input), status: presets.status() }),
    getPreset: async ({ id }) => presets.get(id),
    createPreset: async (input) => presets.create(input),
    updatePreset: async ({ id, preset }) => presets.update(id, preset),
    duplicatePreset: async ({ id }) => presets.duplicate(id),
    deletePreset: async ({ id }) => {
      presets.delete(id);
      return { deleted: true as const };
    },
    setPresetFavourite: async ({ id, favourite }) => presets.setFavourite(id, favourite),
    exportPresets: async ({ ids }) => ({ fileName: 'handle-studio-presets.json', content: presets.exportFile(ids) }),
    previewPresetImport: async ({ content }) => presets.previewImport(content),
    importPresets: async ({ content, replaceExisting }) => presets.importFile(content, { replaceExisting }),
    retrySavePresets: async () => {
      presets.retrySave();
      return presets.status();
    },
  };
}
