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

type SchemaDef = {
  type: string;
  in?: z.ZodMiniType;
  innerType?: z.ZodMiniType;
  shape?: Record<string, z.ZodMiniType>;
  options?: z.ZodMiniType[];
  discriminator?: string;
  values?: unknown[];
};

function defOf(schema: z.ZodMiniType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/**
 * One way a channel's input can look: an object's fields, and the fields that pick this way
 * among a union's options (`{ service: 'mpa' }`), so a test aims at this option's fields.
 */
interface InputShape {
  fields: Record<string, z.ZodMiniType>;
  picked: Record<string, unknown>;
}

/**
 * The object shapes behind a channel's input, looking through transforms and optional
 * wrappers; a union gives one per option. Null when the input, or any option of it, is not
 * an object: every option must name its fields for the refusals below to reach them.
 */
function shapesOf(schema: z.ZodMiniType): InputShape[] | null {
  const def = defOf(schema);
  if (def.type === 'object') return def.shape ? [{ fields: def.shape, picked: {} }] : null;
  if (def.type === 'pipe' && def.in) return shapesOf(def.in);
  if ((def.type === 'optional' || def.type === 'default') && def.innerType) return shapesOf(def.innerType);
  if (def.type === 'union' && def.options && def.options.length > 0) {
    const shapes: InputShape[] = [];
    for (const option of def.options) {
      const optionShapes = shapesOf(option);
      if (optionShapes === null) return null;
      for (const shape of optionShapes) shapes.push(pickedBy(shape, def.discriminator));
    }
    return shapes;
  }
  return null;
}

/** The option's own value of the union's discriminator, so input reaches this option's checks. */
function pickedBy(shape: InputShape, discriminator: string | undefined): InputShape {
  const field = discriminator === undefined ? undefined : shape.fields[discriminator];
  if (discriminator === undefined || field === undefined) return shape;
  const value = literalOf(field);
  return value === undefined ? shape : { ...shape, picked: { ...shape.picked, [discriminator]: value } };
}

function literalOf(schema: z.ZodMiniType): unknown {
  const def = defOf(schema);
  if (def.type === 'literal') return def.values?.[0];
  if ((def.type === 'optional' || def.type === 'default') && def.innerType) return literalOf(def.innerType);
  return undefined;
}

function isString(schema: z.ZodMiniType): boolean {
  const def = defOf(schema);
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
  const shapes = shapesOf(channels[name].input);

  it('has an object input whose fields are known', () => {
    expect(shapes, `${name}'s input, or an option of its union, is not an object schema`).not.toBeNull();
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
    for (const { fields, picked } of shapes ?? []) {
      const required = Object.entries(fields)
        .filter(([key, field]) => !(key in picked) && !isOptional(field))
        .map(([key]) => key);
      if (required.length > 0) await expectRefused(name, { ...picked }, required[0]);
    }
  });

  it('refuses oversized strings in every text field', async () => {
    for (const { fields, picked } of shapes ?? []) {
      for (const [key, field] of Object.entries(fields)) {
        // Larger than any field allows, the imported presets file (5 MB) included.
        if (isString(field)) await expectRefused(name, { ...picked, [key]: oversized }, key);
      }
    }
  });

  it('refuses wrong types in every field', async () => {
    for (const { fields, picked } of shapes ?? []) {
      for (const key of Object.keys(fields)) {
        // Nested lists fit no field: not text, number, switch, record, or list of text.
        await expectRefused(name, { ...picked, [key]: [[['x']]] }, key);
      }
    }
  });
});

describe('dispatcher', () => {
  it('refuses a channel the contract does not name', async () => {
    const result = await dispatch('deleteEverything', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});
