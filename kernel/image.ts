/**
 * Guest image loader. An image is either a static ELF32 i386 executable (ET_EXEC, EM_386,
 * PT_LOAD segments) or a flat binary (bytes, a load address and an entry point). The image is
 * untrusted input: every field is checked before anything is mapped, and a bad image raises an
 * {@linkcode ImageError} with a one-line message, never a partial load.
 *
 * Layout rules (kernel/ISA.md, "Memory layout"): segments may not touch page 0 or the virtual
 * registers page (0x1000-0x1fff), may not overlap each other and must fit in the address space;
 * the entry point must lie in an executable segment. Pages are mapped writable where some
 * segment on them has PF_W and read-only otherwise; bytes past a segment's file size are zero.
 *
 * @module
 */

import { IMAGE_BASE, VREGS_ADDRESS } from "./layout.ts";
import type { AddressSpace } from "./memory/mod.ts";
import { PAGE_SIZE } from "./memory/mod.ts";

/** Default load address of flat images (and of images built with guests/crt/link.ld). */
export const DEFAULT_LOAD_ADDRESS = IMAGE_BASE;
/** First address an image may occupy: page 0 is never mapped and page 1 holds the vregs. */
export const FIRST_IMAGE_ADDRESS = VREGS_ADDRESS + PAGE_SIZE;
/** Most program headers an ELF image may have. */
export const MAX_PROGRAM_HEADERS = 64;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_TLS = 7;
const PF_X = 1;
const PF_W = 2;

/**
 * A rejected image. The message reads "Cannot load image: <reason>".
 *
 * @example
 * ```ts
 * import { ImageError, parseImage } from "./image.ts";
 * try {
 *   parseImage(new Uint8Array([1, 2, 3]));
 * } catch (e) {
 *   if (e instanceof ImageError) console.log(e.message); // Cannot load image: not an ELF file ...
 * }
 * ```
 */
export class ImageError extends Error {
  /** Builds the error from the reason. */
  constructor(reason: string) {
    super(`Cannot load image: ${reason}`);
    this.name = "ImageError";
  }
}

/** A flat binary: `bytes` loaded at `loadAddress`, started at `entry`, all memory writable. */
export interface FlatImage {
  /** The image contents. */
  flat: Uint8Array;
  /** Where the first byte goes (default {@linkcode DEFAULT_LOAD_ADDRESS}). */
  loadAddress?: number;
  /** First instruction (default: the load address). */
  entry?: number;
  /** Zeroed bytes to reserve after the contents (default 0). */
  bssSize?: number;
}

/** What {@linkcode loadImage} accepts: ELF bytes or a flat binary. */
export type ImageSource = Uint8Array | FlatImage;

/** One loadable piece of an image. */
export interface Segment {
  /** Guest address of the first byte. */
  address: number;
  /** Bytes in memory (the tail past `data.length` is zero). */
  size: number;
  /** Initial contents (a view into the image). */
  data: Uint8Array;
  /** The guest may write it. */
  writable: boolean;
  /** The guest may execute it. */
  executable: boolean;
}

/** A checked image, ready to map. */
export interface ParsedImage {
  /** "elf" or "flat". */
  format: "elf" | "flat";
  /** First instruction. */
  entry: number;
  /** Segments sorted by address, non-overlapping, none below {@linkcode FIRST_IMAGE_ADDRESS}. */
  segments: Segment[];
}

/** The result of {@linkcode loadImage}. */
export interface LoadedImage extends ParsedImage {
  /** First page-aligned address after the highest segment: where a heap may start. */
  end: number;
}

/**
 * Parses and checks an image without mapping it.
 *
 * @example
 * ```ts
 * import { parseImage } from "./image.ts";
 * const img = parseImage({ flat: new Uint8Array([0xf4]), loadAddress: 0x10000 });
 * console.log(img.entry.toString(16), img.segments.length); // 10000 1
 * ```
 */
export function parseImage(source: ImageSource): ParsedImage {
  const image = source instanceof Uint8Array ? parseElf(source) : parseFlat(source);
  checkLayout(image.segments, image.entry);
  return image;
}

/**
 * Checks `source` against `space` and maps it: allocates fresh frames for every segment, copies
 * the file bytes, and makes pages read-only unless a writable segment covers them. Nothing is
 * mapped when the image is rejected.
 *
 * @example
 * ```ts
 * import { AddressSpace, PhysicalMemory } from "./memory/mod.ts";
 * import { loadImage } from "./image.ts";
 * const space = new AddressSpace(new PhysicalMemory(), 1 << 20);
 * const img = loadImage({ flat: new Uint8Array([0xf4]) }, space);
 * console.log(img.entry.toString(16), img.end.toString(16)); // 10000 11000
 * ```
 */
export function loadImage(source: ImageSource, space: AddressSpace): LoadedImage {
  const image = parseImage(source);
  let end = FIRST_IMAGE_ADDRESS;
  for (const s of image.segments) {
    if (s.address + s.size > space.size) {
      throw new ImageError(
        `segment ${hex(s.address)}-${hex(s.address + s.size)} lies outside guest memory ` +
          `of ${hex(space.size)} bytes`,
      );
    }
    end = Math.max(end, pageUp(s.address + s.size));
  }
  for (const s of image.segments) {
    for (let p = pageOf(s.address); p <= pageOf(s.address + s.size - 1); p++) {
      if (space.pte[p]! !== 0) {
        throw new ImageError(`page ${hex(p * PAGE_SIZE)} of the image is already mapped`);
      }
    }
  }
  // Map every page writable first so the host copy cannot fail, then apply permissions.
  const writable = new Set<number>();
  for (const s of image.segments) {
    space.allocate(s.address, s.size, true);
    if (s.writable) {
      for (let p = pageOf(s.address); p <= pageOf(s.address + s.size - 1); p++) writable.add(p);
    }
  }
  for (const s of image.segments) {
    if (s.data.length > 0 && !space.writeBytes(s.address, s.data)) {
      throw new ImageError(`segment at ${hex(s.address)} could not be written`);
    }
  }
  for (const s of image.segments) {
    for (let p = pageOf(s.address); p <= pageOf(s.address + s.size - 1); p++) {
      space.setWritable(p, writable.has(p));
    }
  }
  return { ...image, end };
}

function parseFlat(f: FlatImage): ParsedImage {
  const address = f.loadAddress ?? DEFAULT_LOAD_ADDRESS;
  const bss = f.bssSize ?? 0;
  const entry = f.entry ?? address;
  if (!(f.flat instanceof Uint8Array)) {
    throw new ImageError("flat image bytes are not a Uint8Array");
  }
  if (!isU32(address) || !isU32(entry) || !Number.isSafeInteger(bss) || bss < 0) {
    throw new ImageError("flat image load address, entry or bss size is not a 32-bit number");
  }
  const size = f.flat.length + bss;
  if (size === 0) throw new ImageError("flat image is empty");
  return {
    format: "flat",
    entry,
    segments: [{ address, size, data: f.flat, writable: true, executable: true }],
  };
}

function parseElf(b: Uint8Array): ParsedImage {
  if (b.length < 4 || b[0] !== 0x7f || b[1] !== 0x45 || b[2] !== 0x4c || b[3] !== 0x46) {
    throw new ImageError("not an ELF file (bad magic); pass flat binaries as { flat: bytes }");
  }
  if (b.length < 52) throw new ImageError(`ELF header truncated (${b.length} of 52 bytes)`);
  if (b[4] !== 1) throw new ImageError(`ELF class ${b[4]} is not ELFCLASS32 (1)`);
  if (b[5] !== 1) throw new ImageError(`ELF data encoding ${b[5]} is not little-endian (1)`);
  if (b[6] !== 1) throw new ImageError(`ELF version ${b[6]} is not 1`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = v.getUint16(16, true);
  const machine = v.getUint16(18, true);
  const entry = v.getUint32(24, true);
  const phoff = v.getUint32(28, true);
  const phentsize = v.getUint16(42, true);
  const phnum = v.getUint16(44, true);
  if (machine !== 3) throw new ImageError(`ELF machine ${machine} is not EM_386 (3)`);
  if (type === 3) {
    throw new ImageError("ELF type is ET_DYN (position-independent); link with -static -no-pie");
  }
  if (type !== 2) throw new ImageError(`ELF type ${type} is not ET_EXEC (2)`);
  if (phnum === 0) throw new ImageError("ELF file has no program headers");
  if (phnum > MAX_PROGRAM_HEADERS) {
    throw new ImageError(`ELF file has ${phnum} program headers (most ${MAX_PROGRAM_HEADERS})`);
  }
  if (phentsize !== 32) throw new ImageError(`ELF program header size ${phentsize} is not 32`);
  if (phoff + phnum * 32 > b.length) {
    throw new ImageError(
      `ELF program headers truncated (need ${phoff + phnum * 32} bytes, file has ${b.length})`,
    );
  }
  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * 32;
    const ptype = v.getUint32(at, true);
    if (ptype === PT_INTERP || ptype === PT_DYNAMIC) {
      throw new ImageError("ELF file is dynamically linked; link with -static");
    }
    if (ptype === PT_TLS) throw new ImageError("ELF file has thread-local storage (PT_TLS)");
    if (ptype !== PT_LOAD) continue;
    const offset = v.getUint32(at + 4, true);
    const address = v.getUint32(at + 8, true);
    const filesz = v.getUint32(at + 16, true);
    const memsz = v.getUint32(at + 20, true);
    const flags = v.getUint32(at + 24, true);
    if (filesz > memsz) {
      throw new ImageError(
        `segment ${i} file size ${hex(filesz)} exceeds its memory size ${hex(memsz)}`,
      );
    }
    if (offset + filesz > b.length) {
      throw new ImageError(
        `segment ${i} data truncated (ends at ${offset + filesz}, file has ${b.length} bytes)`,
      );
    }
    if (memsz === 0) continue;
    segments.push({
      address,
      size: memsz,
      data: b.subarray(offset, offset + filesz),
      writable: (flags & PF_W) !== 0,
      executable: (flags & PF_X) !== 0,
    });
  }
  if (segments.length === 0) throw new ImageError("ELF file has no loadable segments");
  return { format: "elf", entry, segments };
}

/** Checks placement rules that do not depend on the address space size. */
function checkLayout(segments: Segment[], entry: number): void {
  segments.sort((a, b) => a.address - b.address);
  let prevEnd = 0;
  for (const s of segments) {
    const end = s.address + s.size;
    if (end > 0x1_0000_0000) throw new ImageError(`segment at ${hex(s.address)} wraps past 4 GiB`);
    if (s.address < FIRST_IMAGE_ADDRESS) {
      throw new ImageError(
        `segment ${hex(s.address)}-${hex(end)} overlaps page 0 or the virtual registers page ` +
          `(images start at ${hex(FIRST_IMAGE_ADDRESS)} or above)`,
      );
    }
    if (s.address < prevEnd) {
      throw new ImageError(
        `segment at ${hex(s.address)} overlaps the previous one (ends ${hex(prevEnd)})`,
      );
    }
    prevEnd = end;
  }
  const inCode = segments.some((s) =>
    s.executable && entry >= s.address && entry < s.address + s.size
  );
  if (!inCode) {
    throw new ImageError(`entry point ${hex(entry)} is not inside an executable segment`);
  }
}

function isU32(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 0xffff_ffff;
}

function pageOf(addr: number): number {
  return Math.floor(addr / PAGE_SIZE);
}

function pageUp(addr: number): number {
  return Math.ceil(addr / PAGE_SIZE) * PAGE_SIZE;
}

function hex(n: number): string {
  return "0x" + n.toString(16);
}
