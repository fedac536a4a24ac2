/**
 * The contract's promise to main and the host: every channel refuses malformed input (wrong
 * type, unknown fields, missing fields, oversized strings) with a VALIDATION error that names
 * the field, before any service runs. Walks every channel, so a new channel is covered the
 * moment it is declared.
 */
import * as z from '../shared/zod.ts';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from './dispatch.ts';
import type { HandlersFor } from '../shared/contract/define.ts';
import { channelNames, channels, type Channels } from '../shared/contract/index.ts';

const oversized = 'x'.repeat(6 * 1024 * 1024);
let serviceCalls = 0;
const handlers = Object.fromEntries(
  channelNames.map((name) => [
    name,
    async () => {
      serviceCalls += 1;
      throw new Error(`the ${name} service ran on malformed input`);
    },
  ]),
) as unknown as HandlersFor<Channels>;
const dispatch = createDispatcher(channels, handlers);

/** The object shape behind a channel's input, looking through transforms and optional wrappers. */
function shapeOf(schema: z.ZodMiniType): Record<string, z.ZodMiniType> | null {
  const def = (
    schema as unknown as {
      _zod: { def: { type: string; in?: z.ZodMiniType; innerType?: z.ZodMiniType; shape?: Record<string, z.ZodMiniType> } };
    }
  )._zod.def;
  if (def.type === 'object') return def.shape ?? null;
  if (def.type === 'pipe' && def.in) return shapeOf(def.in);
  if ((def.type === 'optional' || def.type === 'default') && def.innerType) return shapeOf(def.innerType);
  return null;
}

function isString(schema: z.ZodMiniType): boolean {
  const def = (schema as unknown as { _zod: { def: { type: string; in?: z.ZodMiniType; innerType?: z.ZodMiniType } } })._zod.def;
  if (def.type === 'string') return true;
  if (def.type === 'pipe' && def.in) return isString(def.in);
  if ((def.type === 'optional' || def.type === 'default') && def.innerType) return isString(def.innerType);
  return false;
}

function isOptional(schema: z.ZodMiniType): boolean {
  return schema.safeParse(undefined).success;
}

async function expectRefused(channel: string, input: unknown, field?: string): Promise<void> {
  const before = serviceCalls;
  const result = await dispatch(channel, input);
  expect(result.ok, `${channel} accepted ${JSON.stringify(input).slice(0, 80)}`).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe('VALIDATION');
  expect(result.error.message.length).toBeGreaterThan(10);
  if (field !== undefined) {
    const fields = (result.error.details?.['fields'] ?? []) as Array<{ field: string; message: string }>;
    expect(
      fields.map((problem) => problem.field.split('.')[0]),
      `${channel}: no problem reported for ${field}`,
    ).toContain(field);
  }
  expect(serviceCalls, `${channel}'s service ran`).toBe(before);
}

describe.each(channelNames)('channel %s', (name) => {
  const shape = shapeOf(channels[name].input);

  it('has an object input whose fields are known', () => {
    expect(shape, `${name}'s input is not an object schema`).not.toBeNull();
  });

  it('refuses input of the wrong type', async () => {
    for (const wrong of [42, 'text', null, [], true]) await expectRefused(name, wrong);
  });

  it('refuses unknown fields', async () => {
    await expectRefused(name, { unexpectedField: true });
    const result = await dispatch(name, { unexpectedField: true });
    expect(JSON.stringify(result)).toContain('unexpectedField');
  });

  it('refuses missing required fields', async () => {
    const required = Object.entries(shape ?? {})
      .filter(([, field]) => !isOptional(field))
      .map(([key]) => key);
    if (required.length === 0) return;
    await expectRefused(name, {}, required[0]);
  });

  it('refuses oversized strings in every text field', async () => {
    for (const [key, field] of Object.entries(shape ?? {})) {
      // Larger than any field allows, the imported presets file (5 MB) included.
      if (isString(field)) await expectRefused(name, { [key]: oversized }, key);
    }
  });

  it('refuses wrong types in every field', async () => {
    for (const key of Object.keys(shape ?? {})) {
      // Nested lists fit no field: not text, number, switch, record, or list of text.
      await expectRefused(name, { [key]: [[['x']]] }, key);
    }
  });
});

describe('dispatcher', () => {
  it('refuses a channel the contract does not name', async () => {
    const result = await dispatch('deleteEverything', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
