import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true,
    // The page's size budget (issue 12): the scoping class every styled element carries is
    // `s<hash>` instead of `svelte-<hash>` (the same hash of the component's CSS, about 950
    // uses), and the page does not announce Svelte's version on window.
    cssHash: ({ hash, css }) => `s${hash(css)}`,
    discloseVersion: false,
  },
};
