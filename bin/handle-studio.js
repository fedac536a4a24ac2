#!/usr/bin/env node
import nodeModule from 'node:module';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { upToDateBundle } from './cli-bundle.js';

// handle-studio: the CLI. It runs the prebuilt bundle in out/cli (scripts/build-cli.ts, made by
// `npm run build` and `npm install`) while that is up to date, else the TypeScript sources
// through Node's type stripping, which needs Node 22.18 or later (24 is what the project
// ships with), so check before importing either.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `handle-studio needs Node.js 22.18 or later (this is ${process.versions.node}). ` +
      "Run it with the project's Node: `node_modules/.bin/node bin/handle-studio.js ...` from the repository, or put node_modules/.bin first on PATH.\n",
  );
  process.exit(1);
}

// Node keeps compiled modules in its compile cache, so every run after the first skips most of
// the start-up work. Here rather than in the system's temp folder, which is emptied on reboot.
// (A default import: older Nodes, which get the message above, have no such export.)
nodeModule.enableCompileCache?.(fileURLToPath(new URL('../node_modules/.cache/handle-studio/compile-cache', import.meta.url)));

const { runCli } = await import(upToDateBundle(new URL('../out/cli/', import.meta.url)) ?? '../app/cli/main.ts');

const stop = new AbortController();
// The first Ctrl+C stops gracefully (a send is cancelled, the emulator shuts down); a second
// one ends the process at once. Our listener stays on: conf's atomic writes load `when-exit`,
// whose own once-listener runs after ours and sends the same signal to this process again
// (after its clean-up), and with no listener left Node would take that echo as the second
// signal and kill the process mid-cancel. Each listener added after ours is one such echo.
const signalNumbers = constants.signals;
let echoes = 0;
const onSignal = (signal) => {
  if (!stop.signal.aborted) {
    echoes = process.listeners(signal).filter((listener) => listener !== onSignal).length;
    stop.abort();
  } else if (echoes > 0) {
    echoes -= 1;
  } else {
    process.exit(128 + signalNumbers[signal]);
  }
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const exitCode = await runCli(
  process.argv.slice(2),
  {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  },
  { signal: stop.signal },
);

// Let piped output drain before leaving; then exit even if a library left a handle open.
process.stdout.write('', () => process.stderr.write('', () => process.exit(exitCode)));
