/**
 * A read-only file image for guest disks: a header, a JSON index and the
 * files' bytes, padded to whole 4 KiB blocks. The host packs a directory with
 * {@linkcode packFiles} and maps the image as a disk; a guest reads it block
 * by block and unpacks it with {@linkcode unpackFiles}.
 *
 * ```
 * 0   "DNFS"          magic
 * 4   u32 total       bytes of the image before padding
 * 8   u32 indexBytes  length of the JSON index
 * 12  index           [[path, offset, length], ...]  (offsets from the image's start)
 *     file bytes ...
 * ```
 *
 * @module
 */

/**
 * Magic of an image.
 *
 * @example
 * ```ts
 * import { FILES_MAGIC } from "./files.ts";
 * console.log(FILES_MAGIC); // DNFS
 * ```
 */
export const FILES_MAGIC = "DNFS";
/**
 * Bytes of the fixed header.
 *
 * @example
 * ```ts
 * import { FILES_HEADER } from "./files.ts";
 * console.log(FILES_HEADER); // 12
 * ```
 */
export const FILES_HEADER = 12;

/**
 * Packs files (path to bytes or text) into an image of whole 4 KiB blocks.
 *
 * @example
 * ```ts
 * import { packFiles, unpackFiles } from "./files.ts";
 * const image = packFiles({ "/index.html": "<h1>hi</h1>" });
 * console.log(image.length, new TextDecoder().decode(unpackFiles(image).get("/index.html"))); // 4096 <h1>hi</h1>
 * ```
 */
export function packFiles(files: Record<string, Uint8Array | string>): Uint8Array {
  const enc = new TextEncoder();
  const entries = Object.entries(files).map(([p, b]) =>
    [p, typeof b === "string" ? enc.encode(b) : b] as const
  );
  // Offsets depend on the index's length, which depends on the offsets: iterate to a fixed point.
  let indexBytes = 0, index = new Uint8Array(0);
  for (;;) {
    let at = FILES_HEADER + indexBytes;
    const rows = entries.map(([p, b]) => {
      const row = [p, at, b.length];
      at += b.length;
      return row;
    });
    index = enc.encode(JSON.stringify(rows));
    if (index.length === indexBytes) break;
    indexBytes = index.length;
  }
  const total = FILES_HEADER + index.length + entries.reduce((n, [, b]) => n + b.length, 0);
  const out = new Uint8Array(Math.ceil(total / 4096) * 4096 || 4096);
  out.set(enc.encode(FILES_MAGIC));
  const v = new DataView(out.buffer);
  v.setUint32(4, total, true);
  v.setUint32(8, index.length, true);
  out.set(index, FILES_HEADER);
  let at = FILES_HEADER + index.length;
  for (const [, b] of entries) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/**
 * The total bytes of an image from its first block, or -1 if it is not one.
 *
 * @example
 * ```ts
 * import { imageBytes, packFiles } from "./files.ts";
 * console.log(imageBytes(packFiles({ "/a": "x" })) > 0, imageBytes(new Uint8Array(4096))); // true -1
 * ```
 */
export function imageBytes(first: Uint8Array): number {
  if (
    first.length < FILES_HEADER || new TextDecoder().decode(first.subarray(0, 4)) !== FILES_MAGIC
  ) {
    return -1;
  }
  return new DataView(first.buffer, first.byteOffset).getUint32(4, true);
}

/**
 * Unpacks an image (at least its first `imageBytes` bytes) into path to bytes.
 * Throws a RangeError if the image is damaged.
 *
 * @example
 * ```ts
 * import { packFiles, unpackFiles } from "./files.ts";
 * console.log([...unpackFiles(packFiles({ "/a": "1", "/b": "22" })).keys()]); // [ "/a", "/b" ]
 * ```
 */
export function unpackFiles(image: Uint8Array): Map<string, Uint8Array> {
  const total = imageBytes(image);
  if (total < FILES_HEADER || total > image.length) {
    throw new RangeError("Cannot unpack files: the image is not a DNFS image or is cut short");
  }
  const v = new DataView(image.buffer, image.byteOffset);
  const indexBytes = v.getUint32(8, true);
  const rows = JSON.parse(
    new TextDecoder().decode(image.subarray(FILES_HEADER, FILES_HEADER + indexBytes)),
  ) as [string, number, number][];
  const files = new Map<string, Uint8Array>();
  for (const [path, at, len] of rows) {
    if (!(at >= 0 && len >= 0 && at + len <= total)) {
      throw new RangeError(`Cannot unpack files: ${path} lies outside the image`);
    }
    files.set(path, image.slice(at, at + len));
  }
  return files;
}
