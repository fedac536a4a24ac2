import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkReferencedResources,
  createStubElectron,
  inspectPackage,
  validateBuilderConfig,
  type PackagingAssertion,
} from './check-packaging.ts';

interface AsarCreate {
  createPackageWithOptions(src: string, dest: string, options: { unpack?: string }): Promise<unknown>;
}
interface FusesFlip {
  flipFuses(binary: string, config: Record<string, unknown>): Promise<number>;
  FuseVersion: { V1: string };
  FuseV1Options: Record<string, number>;
}
const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const asar = requireFromBuilder('@electron/asar') as AsarCreate;
const fuses = requireFromBuilder('@electron/fuses') as FusesFlip;

let workDir: string;
beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), 'check-packaging-test-'));
});
afterEach(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** A linux-unpacked-shaped folder whose app.asar is built from `files`. */
async function packedApp(files: Record<string, string>, unpack?: string): Promise<string> {
  const source = join(workDir, 'source');
  writeTree(source, files);
  const appOutDir = join(workDir, 'linux-unpacked');
  mkdirSync(join(appOutDir, 'resources'), { recursive: true });
  await asar.createPackageWithOptions(source, join(appOutDir, 'resources', 'app.asar'), unpack ? { unpack } : {});
  return appOutDir;
}

const GOOD_APP = {
  'package.json': JSON.stringify({ name: 'handle-studio', main: 'out/main/index.js' }),
  // Minified as the build writes it: one static and one dynamic import of packaged dependencies.
  'out/main/index.js':
    'import{app}from"electron";import Store from"electron-store";import{join}from"node:path";const m=()=>import(`@azure/msal-node`);',
  'out/main/keychain-worker.js': 'export {};',
  'out/preload/index.cjs': '"use strict";',
  'out/renderer/index.html': '<!doctype html>',
  'node_modules/conf/package.json': '{}',
  'node_modules/electron-store/package.json': '{}',
  'node_modules/@azure/msal-node/package.json': '{}',
  'node_modules/keytar/package.json': '{}',
  'node_modules/keytar/build/Release/keytar.node': 'not really a binary',
};

const failures = (results: PackagingAssertion[]) => results.filter((result) => !result.ok).map((result) => result.name);

describe('validateBuilderConfig', () => {
  it("accepts the project's electron-builder.yml", async () => {
    const result = await validateBuilderConfig(resolve(import.meta.dirname, '..'));
    expect(result).toEqual({ name: expect.any(String), ok: true });
  });

  it('names an option electron-builder does not know', async () => {
    writeTree(workDir, {
      'package.json': JSON.stringify({ name: 'x', version: '1.0.0' }),
      'electron-builder.yml': 'appId: com.example.x\nlinux:\n  desktopCategory: Development\n',
    });
    const result = await validateBuilderConfig(workDir);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('configuration.linux: unknown option "desktopCategory"');
  });

  it('names an option with the wrong type', async () => {
    writeTree(workDir, {
      'package.json': JSON.stringify({ name: 'x', version: '1.0.0' }),
      'electron-builder.yml': 'electronFuses:\n  runAsNode: [no]\n',
    });
    const result = await validateBuilderConfig(workDir);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('configuration.electronFuses.runAsNode: must be boolean');
  });
});

describe('checkReferencedResources', () => {
  it('accepts the committed icons and entitlements', () => {
    expect(failures(checkReferencedResources(resolve(import.meta.dirname, '..')))).toEqual([]);
  });

  it('flags missing files and files that are not what their platform expects', () => {
    writeTree(workDir, {
      'build/icon.png': 'not a png',
      'build/icon.ico': 'not an icon',
      'build/icon.icns': 'icns\u0000\u0000\u0000\u0008',
      'build/entitlements.mac.plist': '<plist><dict></dict></plist>',
    });
    const results = checkReferencedResources(workDir);
    expect(failures(results)).toEqual(results.map((result) => result.name));
    expect(results.find((result) => result.name.startsWith('build/icons/'))?.detail).toBe(
      'build/icons/512x512.png is missing; electron-builder.yml refers to it',
    );
    expect(results.find((result) => result.name.startsWith('build/icon.icns'))?.detail).toContain('lacks ic09 and ic10 (512 and 1024 px)');
  });
});

describe('inspectPackage', () => {
  it('passes a package holding the built app, runtime dependencies and an unpacked keytar', async () => {
    const appOutDir = await packedApp(GOOD_APP, '*.node');
    const results = await inspectPackage(appOutDir, { executableName: 'handle-studio', devDependencies: ['vite', 'electron'] });
    expect(failures(results)).toEqual([]);
    expect(results.map((result) => result.name)).toContain('keytar.node sits in app.asar.unpacked');
  });

  it('flags sources, tests, maps, missing entry points, dev packages and a packed native module', async () => {
    const { 'out/preload/index.cjs': _preload, ...withoutPreload } = GOOD_APP;
    const appOutDir = await packedApp({
      ...withoutPreload,
      'app/core/history/history-store.ts': 'export {};',
      'out/main/index.js.map': '{}',
      'out/main/dispatch.test.js': '',
      'node_modules/vite/package.json': '{}',
    });
    const results = await inspectPackage(appOutDir, { executableName: 'handle-studio', devDependencies: ['vite', 'electron'] });
    expect(failures(results)).toEqual([
      'app.asar holds out/preload/index.cjs',
      'app.asar holds no source folders or TypeScript/Svelte sources',
      'app.asar holds no test files',
      'app.asar holds no source maps',
      'outside node_modules, app.asar holds only package.json and out/',
      'no devDependencies are packaged',
      'keytar.node sits in app.asar.unpacked',
      'no native .node module is left inside app.asar',
    ]);
    const sources = results.find((result) => result.name.startsWith('app.asar holds no source folders'));
    expect(sources?.detail).toContain('/app/core/history/history-store.ts');
  });

  it('flags a package out/main imports that is not packaged, as zod would be if the build left it external again', async () => {
    const appOutDir = await packedApp(
      {
        ...GOOD_APP,
        'out/main/index.js': `${GOOD_APP['out/main/index.js']}import{object}from"zod/mini";import{en}from'zod/locales';`,
      },
      '*.node',
    );
    const results = await inspectPackage(appOutDir, { executableName: 'handle-studio', devDependencies: ['zod'] });
    expect(failures(results)).toEqual(['every package out/main imports is packaged']);
    expect(results.find((result) => !result.ok)?.detail).toMatch(/^out\/main imports zod, which app.asar lacks/);
  });

  it('says so when there is no app.asar at all', async () => {
    const results = await inspectPackage(workDir, { executableName: 'handle-studio', devDependencies: [] });
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: false, name: 'resources/app.asar exists' });
  });

  it('reads the fuse wire of the executable and reports each fuse that differs from the configuration', async () => {
    const appOutDir = await packedApp(GOOD_APP, '*.node');
    const stub = createStubElectron(join(workDir, 'stub'), '45.5.0');
    // Flip the stub's wire the way electron-builder would, except runAsNode, which stays on.
    await fuses.flipFuses(join(stub, 'electron'), {
      version: fuses.FuseVersion.V1,
      [fuses.FuseV1Options['EnableCookieEncryption'] as number]: true,
      [fuses.FuseV1Options['OnlyLoadAppFromAsar'] as number]: true,
    });
    copyFileSync(join(stub, 'electron'), join(appOutDir, 'handle-studio'));

    const results = await inspectPackage(appOutDir, {
      executableName: 'handle-studio',
      devDependencies: [],
      expectedFuses: { runAsNode: false, enableCookieEncryption: true, onlyLoadAppFromAsar: true },
    });
    const fuseResults = results.filter((result) => result.name.startsWith('fuse '));
    expect(fuseResults.map((result) => [result.name, result.ok])).toEqual([
      ['fuse runAsNode is disabled in the packed executable', false],
      ['fuse enableCookieEncryption is enabled in the packed executable', true],
      ['fuse onlyLoadAppFromAsar is enabled in the packed executable', true],
    ]);
  });

  it('fails the fuse check when the executable carries no fuse wire', async () => {
    const appOutDir = await packedApp(GOOD_APP, '*.node');
    writeFileSync(join(appOutDir, 'handle-studio'), '#!/bin/sh\nexit 0\n');
    const results = await inspectPackage(appOutDir, {
      executableName: 'handle-studio',
      devDependencies: [],
      expectedFuses: { runAsNode: false },
    });
    expect(results.at(-1)).toMatchObject({ ok: false, name: 'fuse wire readable in the packed executable' });
  });
});
