import { assert } from "../tests/_assert.ts";
import { ImageError, loadImage, parseImage } from "./image.ts";
import { AddressSpace, PhysicalMemory } from "./memory/mod.ts";

interface Phdr {
  type?: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
}

interface ElfSpec {
  klass?: number;
  data?: number;
  version?: number;
  type?: number;
  machine?: number;
  entry?: number;
  phoff?: number;
  phentsize?: number;
  phnum?: number;
  phdrs: Phdr[];
  size?: number;
}

const R = 4, W = 2, X = 1;

/** Builds an ELF32 file by hand; fields default to a valid static i386 executable. */
function elf(spec: ElfSpec): Uint8Array {
  const phoff = spec.phoff ?? 52;
  const need = Math.max(
    phoff + spec.phdrs.length * 32,
    ...spec.phdrs.map((p) => p.offset + p.filesz),
  );
  const b = new Uint8Array(spec.size ?? need);
  const v = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, spec.klass ?? 1, spec.data ?? 1, spec.version ?? 1]);
  v.setUint16(16, spec.type ?? 2, true);
  v.setUint16(18, spec.machine ?? 3, true);
  v.setUint32(20, 1, true);
  v.setUint32(24, spec.entry ?? 0x10000, true);
  v.setUint32(28, phoff, true);
  v.setUint16(40, 52, true);
  v.setUint16(42, spec.phentsize ?? 32, true);
  v.setUint16(44, spec.phnum ?? spec.phdrs.length, true);
  spec.phdrs.forEach((p, i) => {
    const at = phoff + i * 32;
    if (at + 32 > b.length) return;
    v.setUint32(at, p.type ?? 1, true);
    v.setUint32(at + 4, p.offset, true);
    v.setUint32(at + 8, p.vaddr, true);
    v.setUint32(at + 12, p.vaddr, true);
    v.setUint32(at + 16, p.filesz, true);
    v.setUint32(at + 20, p.memsz, true);
    v.setUint32(at + 24, p.flags, true);
    v.setUint32(at + 28, 0x1000, true);
    for (let k = 0; k < p.filesz && p.offset + k < b.length; k++) {
      b[p.offset + k] = (k * 7 + i + 1) & 0xff;
    }
  });
  return b;
}

const TEXT: Phdr = { offset: 0x100, vaddr: 0x10000, filesz: 0x20, memsz: 0x20, flags: R | X };
const DATA: Phdr = { offset: 0x120, vaddr: 0x12000, filesz: 0x10, memsz: 0x2100, flags: R | W };

function space(size = 1 << 20): AddressSpace {
  return new AddressSpace(new PhysicalMemory({ initialFrames: 16 }), size);
}

function rejects(
  image: Uint8Array | Parameters<typeof parseImage>[0],
  pattern: RegExp,
  size?: number,
) {
  const as = space(size);
  assert.throws(() => loadImage(image, as), (e: unknown) => {
    assert.ok(e instanceof ImageError, `expected ImageError, got ${e}`);
    assert.match(e.message, /^Cannot load image: [^\n]+$/);
    assert.match(e.message, pattern);
    return true;
  });
  assert.equal(as.mappedPages(), 0, "a rejected image maps nothing");
}

Deno.test("loadImage maps ELF segments with their contents, zeroed bss and permissions", () => {
  const bytes = elf({ phdrs: [TEXT, DATA] });
  const as = space();
  const img = loadImage(bytes, as);
  assert.equal(img.format, "elf");
  assert.equal(img.entry, 0x10000);
  assert.equal(img.end, 0x15000);
  assert.deepEqual(as.readBytes(0x10000, 0x20), bytes.subarray(0x100, 0x120));
  assert.deepEqual(as.readBytes(0x12000, 0x10), bytes.subarray(0x120, 0x130));
  assert.deepEqual(as.readBytes(0x12010, 0x20f0), new Uint8Array(0x20f0));
  assert.equal(as.translate(0x10000, true), -1, "text is read-only");
  assert.ok(as.translate(0x10000, false) >= 0);
  assert.ok(as.translate(0x14000, true) >= 0, "bss pages are writable");
  assert.equal(as.translate(0x11000), -1, "the gap between segments stays unmapped");
  assert.equal(as.mappedPages(), 4);
});

Deno.test("loadImage makes a page writable when any segment on it is writable", () => {
  const text = { ...TEXT, memsz: 0x800, filesz: 0x20 };
  const data = { ...DATA, vaddr: 0x10800, memsz: 0x10 };
  const as = space();
  loadImage(elf({ phdrs: [text, data] }), as);
  assert.ok(as.translate(0x10000, true) >= 0);
  assert.equal(as.mappedPages(), 1);
});

Deno.test("loadImage skips non-load and empty segments", () => {
  const note = { type: 4, offset: 0, vaddr: 0, filesz: 0, memsz: 0, flags: R };
  const empty = { offset: 0, vaddr: 0x20000, filesz: 0, memsz: 0, flags: R };
  const img = parseImage(elf({ phdrs: [note, TEXT, empty] }));
  assert.equal(img.segments.length, 1);
});

Deno.test("loadImage rejects files that are not i386 executables", () => {
  rejects(new Uint8Array([1, 2, 3, 4, 5]), /not an ELF file/);
  rejects(new Uint8Array(0), /not an ELF file/);
  rejects(elf({ phdrs: [TEXT] }).subarray(0, 40), /ELF header truncated/);
  rejects(elf({ klass: 2, phdrs: [TEXT] }), /ELFCLASS32/);
  rejects(elf({ data: 2, phdrs: [TEXT] }), /little-endian/);
  rejects(elf({ version: 0, phdrs: [TEXT] }), /version 0/);
  rejects(elf({ machine: 62, phdrs: [TEXT] }), /machine 62 is not EM_386/);
  rejects(elf({ type: 3, phdrs: [TEXT] }), /ET_DYN/);
  rejects(elf({ type: 1, phdrs: [TEXT] }), /type 1 is not ET_EXEC/);
  rejects(elf({ phdrs: [{ ...TEXT, type: 3 }] }), /dynamically linked/);
  rejects(elf({ phdrs: [{ ...TEXT, type: 7 }, TEXT] }), /thread-local/);
});

Deno.test("loadImage rejects malformed program headers", () => {
  rejects(elf({ phdrs: [] }), /no program headers/);
  rejects(elf({ phnum: 1000, phdrs: [TEXT] }), /1000 program headers/);
  rejects(elf({ phentsize: 40, phdrs: [TEXT] }), /program header size 40/);
  rejects(elf({ phdrs: [TEXT], size: 70 }), /program headers truncated/);
  rejects(elf({ phoff: 0xffff_fff0, phdrs: [], phnum: 1, size: 0x100 }), /headers truncated/);
  rejects(elf({ phdrs: [TEXT], size: 0x110 }), /segment 0 data truncated/);
  rejects(elf({ phdrs: [{ ...TEXT, offset: 0xffff_ff00 }], size: 0x200 }), /data truncated/);
  rejects(
    elf({ phdrs: [{ ...TEXT, filesz: 0x40 }] }),
    /file size 0x40 exceeds its memory size 0x20/,
  );
  rejects(elf({ phdrs: [{ ...TEXT, type: 4 }] }), /no loadable segments/);
});

Deno.test("loadImage rejects segments in reserved pages, overlapping or outside memory", () => {
  rejects(elf({ entry: 0x10, phdrs: [{ ...TEXT, vaddr: 0 }] }), /page 0 or the virtual registers/);
  rejects(
    elf({ entry: 0x1800, phdrs: [{ ...TEXT, vaddr: 0x1800 }] }),
    /page 0 or the virtual registers/,
  );
  rejects(
    elf({ entry: 0x2000, phdrs: [{ ...TEXT, vaddr: 0x1ff0, memsz: 0x100 }] }),
    /virtual registers/,
  );
  rejects(elf({ phdrs: [TEXT, { ...DATA, vaddr: 0x10010 }] }), /overlaps the previous one/);
  rejects(elf({ phdrs: [{ ...DATA, vaddr: 0x10000 }, TEXT] }), /overlaps/);
  rejects(elf({ phdrs: [TEXT, DATA] }), /outside guest memory of 0x13000/, 0x13000);
  rejects(elf({ phdrs: [TEXT, { ...DATA, vaddr: 0xffff_f000 }] }), /wraps past 4 GiB/);
});

Deno.test("loadImage requires the entry point inside an executable segment", () => {
  rejects(elf({ entry: 0x12000, phdrs: [TEXT, DATA] }), /entry point 0x12000 is not inside/);
  rejects(elf({ entry: 0x10020, phdrs: [TEXT, DATA] }), /entry point 0x10020/);
  rejects(elf({ entry: 0, phdrs: [TEXT] }), /entry point 0x0/);
});

Deno.test("loadImage refuses to load over pages that are already mapped", () => {
  const as = space();
  as.allocate(0x12000, 1, true);
  assert.throws(
    () => loadImage(elf({ phdrs: [TEXT, DATA] }), as),
    /0x12000 of the image is already mapped/,
  );
  assert.equal(as.mappedPages(), 1);
});

Deno.test("loadImage loads flat binaries writable at the default or a given address", () => {
  const as = space();
  const img = loadImage({ flat: new Uint8Array([0x90, 0xf4]), bssSize: 0x1000 }, as);
  assert.equal(img.format, "flat");
  assert.equal(img.entry, 0x10000);
  assert.equal(img.end, 0x12000);
  assert.deepEqual(as.readBytes(0x10000, 3), new Uint8Array([0x90, 0xf4, 0]));
  assert.ok(as.translate(0x10000, true) >= 0);

  const at = loadImage({ flat: new Uint8Array(8), loadAddress: 0x3000, entry: 0x3004 }, space());
  assert.equal(at.entry, 0x3004);
  assert.deepEqual(at.segments.map((s) => s.address), [0x3000]);
});

Deno.test("loadImage rejects bad flat binaries", () => {
  rejects({ flat: new Uint8Array(0) }, /flat image is empty/);
  rejects({ flat: new Uint8Array(4), entry: 0x10004 }, /entry point 0x10004/);
  rejects({ flat: new Uint8Array(4), loadAddress: 0x1000 }, /virtual registers/);
  rejects({ flat: new Uint8Array(4), loadAddress: -1 }, /not a 32-bit number/);
  rejects({ flat: new Uint8Array(4), bssSize: 0.5 }, /not a 32-bit number/);
  rejects({ flat: new Uint8Array(0x2000) }, /outside guest memory/, 0x11000);
});
