/**
 * Every limit and default of the kernel actor in one place, with the reason for
 * its value. Kernel options override the defaults; the limits bound what a
 * caller may ask for.
 *
 * @module
 */

/** Instructions a VM runs before the scheduler may switch to another (one quantum). */
export const DEFAULT_QUANTUM = 10_000;

/** Smallest and largest quantum a caller may configure. */
export const MIN_QUANTUM = 1;
/** Largest quantum: keeps one quantum well under a millisecond of host time. */
export const MAX_QUANTUM = 10_000_000;

/**
 * CPU speed the kernel assumes, in kHz (instructions per millisecond). The
 * deterministic clock turns instructions into time with it (100 MHz: one
 * instruction is 10 ns of virtual time), and guests read it from the virtual
 * registers page to calibrate loops.
 */
export const DEFAULT_CPU_KHZ = 100_000;

/**
 * Guest memory of a VM when the caller gives none: 1 MiB, room for an image
 * at 0x10000 (the link address of guests/crt), its heap and stack. Pages are
 * demand-zero, so untouched memory costs only its page-table entry (4 bytes
 * per 4 KiB). Denali-scale 64 KiB VMs load flat images below 0x10000.
 */
export const DEFAULT_VM_MEMORY = 1024 * 1024;

/** Smallest guest memory: page 0 (unmapped), the virtual registers page, one page of image. */
export const MIN_VM_MEMORY = 3 * 4096;

/** Largest guest memory one VM may have unless the kernel is configured otherwise. */
export const DEFAULT_MAX_VM_MEMORY = 256 * 1024 * 1024;

/** Frames of physical memory the kernel may grow to by default (4 GiB of guests). */
export const DEFAULT_MAX_FRAMES = 1 << 20;

/** Frames reserved up front (grows on demand). */
export const DEFAULT_INITIAL_FRAMES = 1024;

/**
 * Console bytes retained per VM (the tail of its output, readable after exit).
 * The ring starts small and doubles up to this, so a VM that prints one line
 * costs tens of bytes, and a flood costs at most this much.
 */
export const DEFAULT_CONSOLE_RING = 4096;

/** First allocation of a console ring. */
export const CONSOLE_RING_INITIAL = 64;

/** Largest buffer one console OUT32 may name; longer lengths are a bad device request. */
export const MAX_CONSOLE_WRITE = 1 << 20;

/**
 * Host time one slice of the run loop may take before it yields to the caller's
 * event loop, in milliseconds. Small enough for timers and I/O to stay
 * responsive, large enough that the yield (about 1 us) is noise.
 */
export const DEFAULT_SLICE_MS = 5;

/** Quanta between two host-clock reads inside a slice (a read costs about one context switch). */
export const SLICE_CHECK_QUANTA = 256;

/** Instructions after which a slice reads the host clock even if fewer quanta ran (~1 ms). */
export const SLICE_CHECK_INSTRUCTIONS = 100_000;

/** Bytes of instruction shown in a fault report. */
export const FAULT_BYTES = 15;

/**
 * Instructions charged to a VM per console byte it writes (against its
 * quantum and the deterministic clock), so a flood of output costs the guest.
 */
export const CONSOLE_BYTE_COST = 1;
