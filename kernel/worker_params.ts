/**
 * Every default and limit of Worker guests in one place, with its reason.
 * {@linkcode WorkerHostOptions} override the defaults.
 *
 * @module
 */

/**
 * Host milliseconds a Worker may take to answer a batch before its VM faults
 * with "worker-timeout" and the Worker is terminated. Generous against host
 * jitter (GC, a loaded machine), short enough that a spinning guest is gone
 * quickly.
 */
export const DEFAULT_ANSWER_BUDGET_MS = 1000;

/**
 * Host milliseconds for the first answer, which includes starting the Worker
 * and loading (and, on a cold cache, type-stripping) the guest's modules.
 */
export const DEFAULT_START_BUDGET_MS = 10_000;

/** Most payload bytes in one answer (a 1 MiB disk write plus frames and console). */
export const DEFAULT_MAX_ANSWER_BYTES = 2 << 20;

/** Most operations in one answer. */
export const DEFAULT_MAX_OPS = 1024;

/**
 * Virtual time from sending a batch to applying its answer on the
 * deterministic clock, microseconds: the Worker's "quantum". Other VMs run
 * meanwhile; one quantum at the default settings (10,000 instructions at 100
 * MHz).
 */
export const DEFAULT_LATENCY_MICROS = 100;

/**
 * Instructions charged to a Worker VM per batch on the deterministic clock
 * (its stats, its budget and the clock), standing for the kernel's work to
 * build and send it. On the real clock the VM is charged its batch's wall time
 * instead.
 */
export const DEFAULT_BATCH_COST = 1000;

/** Longest fault detail kept from a Worker guest, in characters. */
export const MAX_DETAIL = 500;
