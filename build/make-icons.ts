/**
 * Regenerates every app icon from build/icon.svg:
 *   build/icon.png (512), build/icons/<n>x<n>.png (Linux, 16–1024),
 *   build/icon.ico (Windows) and build/icon.icns (macOS).
 *
 * Run by hand after editing the SVG: `node build/make-icons.ts`. It needs `rsvg-convert`
 * (Debian: `apt-get install librsvg2-bin`) only to rasterise; the ICO and ICNS containers are
 * written here, since both simply wrap PNG images. The outputs are committed, so packaging
 * and CI never need rsvg-convert.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const buildDir = import.meta.dirname;
const source = join(buildDir, 'icon.svg');

const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512, 1024];
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
// ICNS element types that hold PNG data, by pixel size (retina "@2x" types share sizes).
const ICNS_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32],
  ['icp6', 64],
  ['ic12', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256],
  ['ic09', 512],
  ['ic14', 512],
  ['ic10', 1024],
];

const rendered = new Map<number, Buffer>();

/** The SVG rasterised at `size`×`size` pixels, as PNG bytes (rendered once per size). */
function pngAt(size: number): Buffer {
  let png = rendered.get(size);
  if (!png) {
    try {
      png = execFileSync('rsvg-convert', ['--width', String(size), '--height', String(size), source]);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`rsvg-convert could not render ${source} at ${size}px (${reason}). Install it with "apt-get install librsvg2-bin".`);
    }
    rendered.set(size, png);
  }
  return png;
}

/** A Windows .ico whose entries are PNG images (supported since Windows Vista). */
function icoFrom(sizes: number[]): Buffer {
  const images = sizes.map(pngAt);
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  const entries = Buffer.alloc(16 * images.length);
  let offset = header.length + entries.length;
  images.forEach((png, index) => {
    const size = sizes[index] as number;
    const at = index * 16;
    entries.writeUInt8(size >= 256 ? 0 : size, at); // 0 means 256
    entries.writeUInt8(size >= 256 ? 0 : size, at + 1);
    entries.writeUInt8(0, at + 2); // no palette
    entries.writeUInt8(0, at + 3);
    entries.writeUInt16LE(1, at + 4); // colour planes
    entries.writeUInt16LE(32, at + 6); // bits per pixel
    entries.writeUInt32LE(png.length, at + 8);
    entries.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, entries, ...images]);
}

/** A macOS .icns made of PNG elements. */
function icnsFrom(types: ReadonlyArray<readonly [string, number]>): Buffer {
  const elements = types.map(([type, size]) => {
    const png = pngAt(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

readFileSync(source); // fail early, with the path, if the SVG is missing
mkdirSync(join(buildDir, 'icons'), { recursive: true });
for (const size of LINUX_SIZES) writeFileSync(join(buildDir, 'icons', `${size}x${size}.png`), pngAt(size));
writeFileSync(join(buildDir, 'icon.png'), pngAt(512));
writeFileSync(join(buildDir, 'icon.ico'), icoFrom(ICO_SIZES));
writeFileSync(join(buildDir, 'icon.icns'), icnsFrom(ICNS_TYPES));
console.log(`Wrote icon.png, icons/ (${LINUX_SIZES.join(', ')} px), icon.ico and icon.icns in ${buildDir}`);
