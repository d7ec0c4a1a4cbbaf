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
 *
 * @example
 * ```ts
 * import { DEFAULT_ANSWER_BUDGET_MS } from "./worker_params.ts";
 * console.log(DEFAULT_ANSWER_BUDGET_MS); // 1000
 * ```
 */
export const DEFAULT_ANSWER_BUDGET_MS = 1000;

/**
 * Host milliseconds for the first answer, which includes starting the Worker
 * and loading (and, on a cold cache, type-stripping) the guest's modules.
 *
 * @example
 * ```ts
 * import { DEFAULT_START_BUDGET_MS } from "./worker_params.ts";
 * console.log(DEFAULT_START_BUDGET_MS); // 10000
 * ```
 */
export const DEFAULT_START_BUDGET_MS = 10_000;

/**
 * Most payload bytes in one answer (a 1 MiB disk write plus frames and console).
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_ANSWER_BYTES } from "./worker_params.ts";
 * console.log(DEFAULT_MAX_ANSWER_BYTES); // 2097152
 * ```
 */
export const DEFAULT_MAX_ANSWER_BYTES = 2 << 20;

/**
 * Host milliseconds between liveness checks of Workers that have no batch
 * out. Rare enough to cost nothing (one message per idle Worker), frequent
 * enough that a Worker busy forever between batches does not burn a core for
 * long.
 *
 * @example
 * ```ts
 * import { DEFAULT_WATCHDOG_MS } from "./worker_params.ts";
 * console.log(DEFAULT_WATCHDOG_MS); // 5000
 * ```
 */
export const DEFAULT_WATCHDOG_MS = 5000;

/**
 * Most operations in one answer.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_OPS } from "./worker_params.ts";
 * console.log(DEFAULT_MAX_OPS); // 1024
 * ```
 */
export const DEFAULT_MAX_OPS = 1024;

/**
 * Virtual time from sending a batch to applying its answer on the
 * deterministic clock, microseconds: the Worker's "quantum". Other VMs run
 * meanwhile; one quantum at the default settings (10,000 instructions at 100
 * MHz).
 *
 * @example
 * ```ts
 * import { DEFAULT_LATENCY_MICROS } from "./worker_params.ts";
 * console.log(DEFAULT_LATENCY_MICROS); // 100
 * ```
 */
export const DEFAULT_LATENCY_MICROS = 100;

/**
 * Instructions charged to a Worker VM per batch on the deterministic clock
 * (its stats, its budget and the clock), standing for the kernel's work to
 * build and send it. On the real clock the VM is charged its batch's wall time
 * instead.
 *
 * @example
 * ```ts
 * import { DEFAULT_BATCH_COST } from "./worker_params.ts";
 * console.log(DEFAULT_BATCH_COST); // 1000
 * ```
 */
export const DEFAULT_BATCH_COST = 1000;

/**
 * Longest fault detail kept from a Worker guest, in characters.
 *
 * @example
 * ```ts
 * import { MAX_DETAIL } from "./worker_params.ts";
 * console.log("x".repeat(900).slice(0, MAX_DETAIL).length); // 500
 * ```
 */
export const MAX_DETAIL = 500;
