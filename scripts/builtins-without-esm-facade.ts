/**
 * A bundler plugin (rolldown, and Vite's, which runs on it) for code that runs in Node or
 * Electron main: it turns each static import of a Node builtin in the output into a call of
 * `process.getBuiltinModule()`, which hands over the module's object as `require` would.
 *
 * Why: an ESM import of a builtin makes Node build the module's ESM facade, which reads every
 * export once, and some exports are getters that load more of Node: importing anything from
 * `node:fs` loads fs.promises and the whole of fs streams (`fs.ReadStream`), though core opens
 * neither at start (issue 12: about a tenth of core's start-up). Builtins run no code of ours
 * when they load and are never cyclic, so taking them before the chunk's own code runs is what
 * the import did, minus the facade.
 *
 * Only the import shapes rolldown writes for an external module are rewritten; any other import
 * of a builtin in a chunk fails the build rather than keep the facade unnoticed. Left alone:
 * dynamic `import('node:x')` (a builtin loaded at first use, off the start path), and what a
 * plugin adds after this one (electron-vite's CommonJS shim in the keytar chunk, which only the
 * keychain helper process loads).
 */
import type { Plugin } from 'rolldown';

/** `import <clause> from "node:<name>";` on a line of its own, as rolldown prints it. */
const BUILTIN_IMPORT = /^import\s+(.+?)\s+from\s*"(node:[\w/]+)";?$/gm;
/** An import of a builtin the rewrite above did not take (side-effect only, or a shape not handled). */
const LEFT_OVER = /^import\b[^;]*?["']node:[\w/]+["']/m;

/** `{ a, b as c }` to `{ a, b: c }`. */
function namedToDestructuring(named: string): string {
  const bindings = named
    .slice(1, -1)
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [imported, local] = part.split(/\s+as\s+/);
      return local === undefined ? imported : `${imported === 'default' ? '"default"' : imported}: ${local}`;
    });
  return `{ ${bindings.join(', ')} }`;
}

/** The statements standing in for one import clause, or undefined when its shape is not one rolldown writes. */
export function builtinImportAsStatements(clause: string, specifier: string): string | undefined {
  const load = `process.getBuiltinModule(${JSON.stringify(specifier)})`;
  const namespace = /^\*\s+as\s+([\w$]+)$/.exec(clause);
  if (namespace) return `const ${namespace[1]} = ${load};`;
  const named = /^(?:([\w$]+)\s*,\s*)?(\{[^}]*\})$/.exec(clause);
  if (named) {
    // A builtin's default export is the module object itself.
    return named[1] === undefined
      ? `const ${namedToDestructuring(named[2] ?? '{}')} = ${load};`
      : `const ${named[1]} = ${load}, ${namedToDestructuring(named[2] ?? '{}')} = ${named[1]};`;
  }
  const only = /^([\w$]+)$/.exec(clause);
  if (only) return `const ${only[1]} = ${load};`;
  return undefined;
}

/** Rewrites the builtin imports of one output chunk; throws on one it cannot rewrite. */
export function withoutBuiltinImports(code: string, chunkName: string): string {
  const rewritten = code.replace(BUILTIN_IMPORT, (statement, clause: string, specifier: string) => {
    const statements = builtinImportAsStatements(clause.trim(), specifier);
    if (statements === undefined)
      throw new Error(`${chunkName}: cannot rewrite "${statement}" (see scripts/builtins-without-esm-facade.ts).`);
    return statements;
  });
  const left = LEFT_OVER.exec(rewritten);
  if (left)
    throw new Error(`${chunkName}: an import of a builtin was left as it was: "${left[0]}" (see scripts/builtins-without-esm-facade.ts).`);
  return rewritten;
}

export function builtinsWithoutEsmFacade(): Plugin {
  return {
    name: 'builtins-without-esm-facade',
    renderChunk(code, chunk) {
      return { code: withoutBuiltinImports(code, chunk.fileName), map: null };
    },
  };
}
