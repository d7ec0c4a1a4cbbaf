/**
 * Worker guests: TypeScript services, each in its own Deno Worker with no
 * permissions, that are VMs of the kernel like x86 guests (an id, a slot in
 * the VM table, stats, interrupts, console, disks, a NIC port and a MAC on
 * the same switch, scheduled by the same scheduler) but whose quantum is one
 * message round trip: the kernel sends the batch of pending events, the guest
 * answers with device operations and its next idle-with-timeout, yield or
 * terminate. The guest side is the SDK in guests/sdk/; the protocol, costs,
 * limits and what is deterministic are in kernel/ISA.md ("Worker guests").
 *
 * ```
 * kernel actor (this thread)            jail Worker (read: module roots)   guest Worker (no perms)
 *  WorkerHost.create --spawn----------> new Worker(_boot.ts) ----init+port--> lockDown; import module
 *  quantum: drain devices --batch-------------------------------------------> serve(handler)
 *  advance: ops through the port bus <--answer-------------------------------- ops + next
 * ```
 *
 * @module
 */

import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Kernel } from "./kernel.ts";
import { BadOptionError } from "./errors.ts";
import { JailPool } from "./worker_jails.ts";
import { Mailbox } from "./worker_guest.ts";
import * as P from "./worker_params.ts";
import type { WorkerStats } from "./worker_record.ts";
import { WorkerRunner } from "./worker_runner.ts";
import type { HostedVms } from "./worker_vm.ts";

export type { WorkerStats } from "./worker_record.ts";

/**
 * Options of {@linkcode WorkerHost}.
 *
 * @example
 * ```ts
 * import type { WorkerHostOptions } from "./worker_host.ts";
 * const o: WorkerHostOptions = { answerBudgetMs: 500, heapMb: 64 };
 * console.log(o.answerBudgetMs);
 * ```
 */
export interface WorkerHostOptions {
  /** Host ms a guest may take to answer a batch before it faults with "worker-timeout" (default 1000). */
  answerBudgetMs?: number;
  /** Host ms for the first answer, which includes starting the Worker (default 10,000). */
  startBudgetMs?: number;
  /** Most payload bytes in one answer (default 2 MiB); more is a "bad-message" fault. */
  maxAnswerBytes?: number;
  /** Most operations in one answer (default 1024). */
  maxOps?: number;
  /** Virtual us from sending a batch to applying its answer (order "dispatch"; default 100). */
  latencyMicros?: number;
  /** Instructions charged per batch on the deterministic clock (default 1000). */
  batchCost?: number;
  /**
   * When answers apply: "dispatch" (in the order batches were sent, each
   * `latencyMicros` after it; reproducible) or "arrival" (as they come).
   * Default: "dispatch" on the deterministic clock, "arrival" on the real one.
   */
  order?: "dispatch" | "arrival";
  /**
   * Heap bound of every guest in MB (default 0: none). Deno enforces heap
   * limits only for node:worker_threads Workers, so a bounded guest runs as
   * one (see kernel/ISA.md); unbounded guests are Web Workers.
   */
  heapMb?: number;
  /** Directories every guest may load code from besides the SDK's and its module's. */
  roots?: (string | URL)[];
  /**
   * Host ms between liveness checks of Workers with no batch out (default
   * 5000; 0: none). A Worker that leaves a check unanswered for
   * `answerBudgetMs` (its thread busy forever between batches) faults with
   * "worker-timeout".
   */
  watchdogMs?: number;
}

/**
 * Options of {@linkcode WorkerHost.create}.
 *
 * @example
 * ```ts
 * import type { WorkerCreateOptions } from "./worker_host.ts";
 * const o: WorkerCreateOptions = { module: new URL("file:///srv/echo.ts"), config: { port: 7 } };
 * console.log(o.config);
 * ```
 */
export interface WorkerCreateOptions {
  /** The guest module: a file path or file: URL of a module that calls the SDK's `serve`. */
  module: string | URL;
  /** A name for listings (default `vm<id>`). */
  name?: string;
  /** Structured-cloneable configuration, the guest's `guest.config`. */
  config?: unknown;
  /** Start the VM at once (default false: `kernel.start(id)`). */
  start?: boolean;
  /** Fault with "cpu-budget" once charged this many instructions (default: no limit). */
  maxInstructions?: number;
  /** This guest's heap bound in MB (default: the host's `heapMb`). */
  heapMb?: number;
}

/**
 * Runs Worker guests as VMs of a kernel. Create one per kernel, after
 * attaching the devices the guests use (NIC, disks, timer, keyboard).
 *
 * @example
 * ```ts ignore
 * import { Kernel, NicDevice, TimerDevice } from "../mod.ts";
 * import { WorkerHost } from "./worker_host.ts";
 * const kernel = new Kernel();
 * kernel.attach(new NicDevice());
 * kernel.attach(new TimerDevice());
 * const workers = new WorkerHost(kernel);
 * const id = workers.create({ module: "guests/examples/ts/hello.ts", start: true });
 * await kernel.run();
 * console.log(kernel.consoleText(id), kernel.inspect(id).state); // hello ... exited
 * workers.close();
 * ```
 */
export class WorkerHost {
  readonly #kernel: Kernel;
  readonly #vms: HostedVms;
  readonly #runner: WorkerRunner;
  readonly #jails: JailPool;
  readonly #heapMb: number;
  readonly #roots: string[];
  #closed = false;
  #watchdog: ReturnType<typeof setInterval> | undefined;

  /** Makes `kernel` host Worker guests; see {@linkcode WorkerHostOptions}. */
  constructor(kernel: Kernel, options: WorkerHostOptions = {}) {
    const what = "create Worker host";
    const num = (name: string, v: number, min: number) => {
      if (!(Number.isFinite(v) && v >= min)) {
        throw new BadOptionError(what, `${name} ${v} is not a number >= ${min}`);
      }
      return v;
    };
    const answerBudgetMs = num(
      "answerBudgetMs",
      options.answerBudgetMs ?? P.DEFAULT_ANSWER_BUDGET_MS,
      1,
    );
    const startBudgetMs = num(
      "startBudgetMs",
      options.startBudgetMs ?? P.DEFAULT_START_BUDGET_MS,
      1,
    );
    const maxBytes = num("maxAnswerBytes", options.maxAnswerBytes ?? P.DEFAULT_MAX_ANSWER_BYTES, 0);
    const maxOps = num("maxOps", options.maxOps ?? P.DEFAULT_MAX_OPS, 1);
    const latency = num("latencyMicros", options.latencyMicros ?? P.DEFAULT_LATENCY_MICROS, 0);
    const batchCost = num("batchCost", options.batchCost ?? P.DEFAULT_BATCH_COST, 0);
    this.#heapMb = num("heapMb", options.heapMb ?? 0, 0);
    const watchdogMs = num("watchdogMs", options.watchdogMs ?? P.DEFAULT_WATCHDOG_MS, 0);
    const order = options.order;
    if (order !== undefined && order !== "dispatch" && order !== "arrival") {
      throw new BadOptionError(what, `order "${order}" is not "dispatch" or "arrival"`);
    }
    this.#roots = (options.roots ?? []).map((r) =>
      r instanceof URL ? fileURLToPath(r) : resolve(r)
    );
    this.#kernel = kernel;
    this.#jails = new JailPool({
      port: (id, port) => this.#runner.channelReady(id, port),
      died: (id, reason, detail) => this.#runner.died(id, reason, detail),
    });
    this.#runner = new WorkerRunner({
      answerBudgetMs,
      startBudgetMs,
      latencyTicks: 0,
      batchCost,
      order: "dispatch",
      limits: { maxOps, maxBytes },
    }, (id) => this.#jails.kill(id));
    this.#vms = kernel.hostVms(this.#runner);
    this.#runner.connect(this.#vms);
    const clock = this.#vms.clock;
    this.#runner.setTiming(
      order ?? (clock.kind === "deterministic" ? "dispatch" : "arrival"),
      Math.round(latency * clock.ticksPerMicro),
    );
    if (watchdogMs > 0) {
      const watchdog = setInterval(() => this.#runner.watchdog(), watchdogMs);
      Deno.unrefTimer(watchdog as unknown as number); // it never keeps the process alive
      this.#watchdog = watchdog;
    }
  }

  /**
   * Creates a Worker VM running `module` and starts its Worker at once (so it
   * loads while other VMs run). Returns the VM's id; the VM runs from its
   * first quantum after `kernel.start(id)` (or `start: true`).
   */
  create(options: WorkerCreateOptions): number {
    if (this.#closed) throw new BadOptionError("create Worker guest", "the Worker host is closed");
    const module = moduleUrl(options.module);
    const heapMb = options.heapMb ?? this.#heapMb;
    if (!(Number.isFinite(heapMb) && heapMb >= 0)) {
      throw new BadOptionError("create Worker guest", `heapMb ${heapMb} is not a number >= 0`);
    }
    const createOptions: { memSize: number; name?: string; maxInstructions?: number } = {
      memSize: Mailbox.SIZE,
    };
    if (options.name !== undefined) createOptions.name = options.name;
    if (options.maxInstructions !== undefined) {
      createOptions.maxInstructions = options.maxInstructions;
    }
    const id = this.#vms.create(createOptions);
    this.#runner.add(id, module.href, options.config);
    try {
      this.#jails.spawn(id, {
        module,
        name: options.name ?? `vm${id}`,
        heapMb,
        roots: this.#roots,
      });
    } catch (e) {
      this.#kernel.kill(id);
      throw e;
    }
    if (options.start) this.#kernel.start(id);
    return id;
  }

  /**
   * Resolves once the Worker of VM `id` (of every Worker VM, without `id`) has
   * loaded its modules and connected to the kernel, or has stopped. A VM does
   * not need this to run (its first batch waits for the Worker); it is for
   * measuring a run without the Workers' start-up.
   */
  ready(id?: number): Promise<void> {
    const vms = id === undefined ? this.#runner.all() : [this.#runner.vm(id)];
    return Promise.all(vms.map((vm) => {
      if (vm === undefined) {
        throw new BadOptionError("wait for Worker", `VM ${id} is not a Worker VM`);
      }
      if (vm.channel !== null || !vm.stats.live) return;
      return new Promise<void>((resolve) => vm.waiters.push(resolve));
    })).then(() => {});
  }

  /** Counters of Worker VM `id` (kept after it stops). */
  stats(id: number): WorkerStats {
    const vm = this.#runner.vm(id);
    if (vm === undefined) {
      throw new BadOptionError("read Worker stats", `VM ${id} is not a Worker VM`);
    }
    return { ...vm.stats };
  }

  /** Ids of every Worker VM this host created, in creation order. */
  ids(): number[] {
    return this.#runner.all().map((vm) => vm.id);
  }

  /** Kills every live Worker VM and terminates every Worker. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#watchdog);
    for (const vm of this.#runner.all()) {
      if (vm.stats.live) this.#kernel.kill(vm.id);
    }
    this.#jails.close();
  }

  /** Same as {@linkcode WorkerHost.close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

function moduleUrl(m: string | URL): URL {
  if (m instanceof URL) return m;
  return /^[a-z][a-z0-9+.-]+:/i.test(m) ? new URL(m) : pathToFileURL(resolve(m));
}
