// The page's ambient types: .svelte modules and Vite's asset/CSS imports (tsconfig.web.json lists no global types).
/// <reference types="svelte" />
/// <reference types="vite/client" />
