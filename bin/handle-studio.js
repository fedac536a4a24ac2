#!/usr/bin/env node
// handle-studio: the CLI. The code is TypeScript run by Node's type stripping, which needs
// Node 22.18 or later (24 is what the project ships with), so check before importing it.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `handle-studio needs Node.js 22.18 or later (this is ${process.versions.node}). ` +
      'Run it with the project\'s Node: `npx handle-studio ...` from the repository, or put node_modules/.bin first on PATH.\n',
  );
  process.exit(1);
}

// Node keeps the stripped and compiled modules in its compile cache (in the system's temp
// folder), so every run after the first skips most of the start-up work: about half the CPU
// of `--help` on this project's 2-core machines.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();

const { runCli } = await import('../app/cli/main.ts');

const stop = new AbortController();
// The first Ctrl+C stops gracefully (a send is cancelled, the emulator shuts down);
// a second one gets Node's default behaviour and ends the process at once.
process.once('SIGINT', () => stop.abort());
process.once('SIGTERM', () => stop.abort());

const exitCode = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}, { signal: stop.signal });

// Let piped output drain before leaving; then exit even if a library left a handle open.
process.stdout.write('', () => process.stderr.write('', () => process.exit(exitCode)));
