import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import { builtinsWithoutEsmFacade } from './scripts/builtins-without-esm-facade.ts';
import { BUNDLED_PACKAGES, NODE_BUNDLE_MINIFY } from './scripts/node-bundle-options.ts';

export default defineConfig({
  main: {
    plugins: [builtinsWithoutEsmFacade()],
    build: {
      outDir: 'out/main',
      // Core's own code is bundled, and so is what core loads at every start (zod, which Node
      // would otherwise link file by file: scripts/node-bundle-options.ts). The other packages stay
      // in node_modules: keytar is native (unpacked from the asar), electron-store/conf/msal are plain.
      externalizeDeps: { exclude: [...BUNDLED_PACKAGES] },
      // The keychain helper runs in a utility process of its own (app/main/keychain-helper.ts).
      // Minified and without builtins' ESM facades, as the CLI's bundle (scripts/build-cli.ts), which bench/core-start.ts measures.
      rollupOptions: {
        input: { index: resolve('app/main/index.ts'), 'keychain-worker': resolve('app/core/credentials/keychain-worker.ts') },
        output: { minify: NODE_BUNDLE_MINIFY },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require node_modules: bundle everything it uses into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('app/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [svelte({ configFile: resolve('svelte.config.js') })],
    build: {
      outDir: 'out/renderer',
      // electron-vite leaves the renderer unminified; neither app:// nor browser mode
      // compresses, so every byte is read and parsed at each start (issue 12's budget,
      // scripts/check-bundle-budget.ts). No source maps: they would only be left out of the package.
      minify: true,
      // One stylesheet, in the first load: 38 KB of CSS gzips to 7 KB as one file against 11 KB
      // as ten, and it is mostly the shared look (app.css) every screen needs anyway.
      cssCodeSplit: false,
      // No preload helper around each import(): a screen's chunk imports only what the shell and
      // the workbench already loaded, so there is nothing to fetch ahead (-0.2 KB gzipped).
      modulePreload: false,
      sourcemap: false,
      rollupOptions: {
        input: { index: resolve('renderer/index.html') },
        // The contract files only define schemas and channel tables, but a zod schema whose
        // definition calls .check() looks like a side effect to the bundler, so a file the page
        // imports one constant from would ship every channel's schemas. Marked free of side
        // effects, a contract file whose exports the page reaches only through its re-exports
        // (history outcomes and retention rule, profile schemas) is left out: -2.1 KB gzipped.
        treeshake: { moduleSideEffects: [{ test: /app[\\/]shared[\\/]contract[\\/]/, sideEffects: false }] },
        // Chunks as the page loads them: what the shell needs in one file (the first load), what
        // the workbench needs in one more (fetched right after), and every other screen in a third,
        // fetched when the first of them is opened. Each file is gzipped on its own, so each one
        // more costs its own compression start and the import lists that join it to the others:
        // left to itself the bundler cut about 50 small files (about 10 KB more than one file per
        // screen), and one file per screen plus a common one cost 10.2 KB more than one for all
        // screens (138.3 against 128.1 KB gzipped, whole UI). Merging the screens into the
        // workbench too would save 4.4 KB more, but every screen would then load at start.
        output: {
          codeSplitting: {
            groups: [
              { name: 'shell', tags: ['$initial'], priority: 2 },
              { name: 'Workbench', test: /renderer[\\/]src[\\/]shell[\\/]Workbench\.svelte/, priority: 1 },
              { name: 'screens' },
            ],
          },
        },
      },
    },
  },
});
