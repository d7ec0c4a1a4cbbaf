/**
 * Writes the object archive that the example web server (guests/examples/httpd.c)
 * serves from its disk: block 0 starts with a directory ("DNAR", version 1,
 * object count, directory blocks, then 64-byte entries of name, first block
 * and size), and each object's bytes follow from its own block. The format is
 * described in guests/examples/http.h.
 *
 * @module
 */

const BLOCK = 4096;
const MAGIC = 0x52414e44; // "DNAR" little-endian
const ENTRY = 64;
const NAME = 48;

/**
 * Builds an archive image (a multiple of 4 KiB) of `objects`, keyed by path
 * ("/index.html"). Throws a RangeError for a name longer than 47 bytes or
 * not starting with "/".
 *
 * @example
 * ```ts
 * import { buildArchive } from "./archive.ts";
 * const image = buildArchive({ "/index.html": new TextEncoder().encode("<h1>hi</h1>") });
 * console.log(image.length); // 8192: the directory block and one data block
 * // new MemoryDisk(image.length / 4096) with these bytes, mapped at index 0, serves it
 * ```
 */
export function buildArchive(objects: Record<string, Uint8Array>): Uint8Array {
  const enc = new TextEncoder();
  const names = Object.keys(objects).sort();
  const dirBlocks = Math.ceil((16 + ENTRY * names.length) / BLOCK);
  let next = dirBlocks;
  const placed = names.map((name) => {
    const bytes = objects[name]!;
    const encoded = enc.encode(name);
    if (encoded.length >= NAME || !name.startsWith("/")) {
      throw new RangeError(
        `Cannot archive object "${name}": names start with / and are < 48 bytes`,
      );
    }
    const first = next;
    next += Math.ceil(bytes.length / BLOCK);
    return { encoded, bytes, first };
  });
  const image = new Uint8Array(next * BLOCK);
  const view = new DataView(image.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, 1, true);
  view.setUint32(8, names.length, true);
  view.setUint32(12, dirBlocks, true);
  placed.forEach((p, i) => {
    const at = 16 + ENTRY * i;
    image.set(p.encoded, at);
    view.setUint32(at + NAME, p.first, true);
    view.setUint32(at + NAME + 4, p.bytes.length, true);
    image.set(p.bytes, p.first * BLOCK);
  });
  return image;
}
