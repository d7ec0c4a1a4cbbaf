/**
 * The x86 guests of the scenarios, written with the project's own assembler
 * (no nasm needed): a service that computes and idles, a yield loop, and a
 * request/response pair on the virtual LAN (a server that answers request
 * frames, idling or busy-polling between them, and a closed-loop client that
 * sends requests to servers drawn from a Zipf table and reports each
 * latency to the probe device).
 *
 * Every guest is a flat image at 0x2000 that fits a 64 KiB VM:
 *
 * ```
 * 0x2000  code            0x6000  receive buffer {u32 capacity; frame}
 * 0x4000  server table    0x6800  transmit buffer {u32 length; frame}
 *         (clients only)  0x10000 top of the stack (initial ESP)
 * ```
 *
 * The frame protocol (EtherType 0x88B5, after the 14-byte header):
 * `u32 kind (1 request, 2 reply); u32 seq; u32 sent (client's TIME_LO, us);
 * u32 reply length (request) or server id (reply)`.
 *
 * @module
 */

import { asmAt } from "../guests/asm/mod.ts";
import { PROBE_BASE } from "./_probe.ts";

/**
 * A flat image for the kernel.
 *
 * @example
 * ```ts
 * import type { FlatImage } from "./_guests.ts";
 * const img: FlatImage = { flat: new Uint8Array([0xf4]), loadAddress: 0x2000 };
 * console.log(img.loadAddress); // 8192
 * ```
 */
export type FlatImage = { flat: Uint8Array; loadAddress: number };

/**
 * Load address of every scenario guest.
 *
 * @example
 * ```ts
 * import { LOAD } from "./_guests.ts";
 * console.log(LOAD.toString(16)); // 2000
 * ```
 */
export const LOAD = 0x2000;
/**
 * Guest memory every scenario guest fits in.
 *
 * @example
 * ```ts
 * import { GUEST_MEMORY } from "./_guests.ts";
 * console.log(GUEST_MEMORY); // 65536
 * ```
 */
export const GUEST_MEMORY = 64 * 1024;
/**
 * Address of a client's table of server ids.
 *
 * @example
 * ```ts
 * import { TABLE } from "./_guests.ts";
 * console.log(TABLE.toString(16)); // 4000
 * ```
 */
export const TABLE = 0x4000;
/**
 * Entries of a client's table (u32 each; 8 KiB).
 *
 * @example
 * ```ts
 * import { TABLE_ENTRIES } from "./_guests.ts";
 * console.log(TABLE_ENTRIES); // 2048
 * ```
 */
export const TABLE_ENTRIES = 2048;

const at = asmAt(LOAD);

/** Guest ABI definitions shared by the network guests. */
const DEFS = `
VREGS equ 0x1000
V_VM_ID equ VREGS+0x04
V_TIME_LO equ VREGS+0x10
V_PENDING equ VREGS+0x18
V_MAC_LO equ VREGS+0x30
V_MAC_HI equ VREGS+0x34
NIC_TX equ 0x200
NIC_RX equ 0x204
NIC_RX_BUFFER equ 0x208
RXBUF equ 0x6000
TXBUF equ 0x6800
RX equ RXBUF+4
TX equ TXBUF+4
PROBE equ ${PROBE_BASE}
`;

/**
 * A service: `rounds` times, compute for about `work` instructions, then
 * idle-with-timeout for `idleMicros`; then terminate(0).
 *
 * @example
 * ```ts
 * import { service } from "./_guests.ts";
 * console.log(service({ rounds: 3, work: 100, idleMicros: 1000 }).flat.length > 0); // true
 * ```
 */
export function service(o: { rounds: number; work: number; idleMicros: number }): FlatImage {
  return {
    loadAddress: LOAD,
    flat: at`
      mov edi, ${o.rounds}
    round:
      mov ecx, ${Math.max(1, o.work)}
    spin:
      loop spin
      mov ebx, ${o.idleMicros}
      mov eax, 1
      vmcall
      dec edi
      jnz round
      xor ebx, ebx
      xor eax, eax
      vmcall`,
  };
}

/**
 * Yields forever (each quantum is one context switch).
 *
 * @example
 * ```ts
 * import { YIELDER } from "./_guests.ts";
 * console.log(YIELDER.flat.length); // 10
 * ```
 */
export const YIELDER: FlatImage = {
  loadAddress: LOAD,
  flat: at`
  again:
    mov eax, 2
    vmcall
    jmp again`,
};

/**
 * A request/response server on the virtual LAN. For each request frame it
 * computes for `work` instructions, then answers with a reply frame of the
 * length the request asked for (64..1514 bytes). Between requests it
 * either idles until the NIC's interrupt (`wait: "idle"`, Denali's way) or
 * spins on the receive port (`wait: "poll"`, a guest with no idle
 * instruction), burning the rest of its quantum.
 *
 * @example
 * ```ts
 * import { server } from "./_guests.ts";
 * console.log(server({ work: 0, wait: "idle" }).flat.length > 0); // true
 * ```
 */
export function server(o: { work: number; wait: "idle" | "poll" }): FlatImage {
  const waitCode = o.wait === "poll"
    ? `
      jmp next              ; busy polling: straight back to the receive port`
    : `
      cli                   ; no lost wake-up: IF clear around the check and the HLT
      cmp dword [V_PENDING], 0
      jne .got
      hlt
      sti
      mov eax, 2            ; yield: lines raised while IF was clear are delivered
      vmcall
      jmp next
    .got:
      mov dword [V_PENDING], 0
      sti
      jmp next`;
  const workCode = o.work > 0
    ? `
      mov ecx, ${o.work}
    .work:
      loop .work`
    : "";
  return {
    loadAddress: LOAD,
    flat: at`${DEFS}
      mov dword [RXBUF], 1514
      mov eax, RXBUF
      mov dx, NIC_RX_BUFFER
      out dx, eax
    next:
      mov dx, NIC_RX
      in eax, dx
      test eax, eax
      jnz request
    idle:${waitCode}
    request:
      cmp dword [RX+14], 1   ; a request?
      jne next
      ${workCode}
      mov eax, [RX+6]        ; destination := source
      mov [RX], eax
      mov ax, [RX+10]
      mov [RX+4], ax
      mov eax, [V_MAC_LO]    ; source := own MAC
      mov [RX+6], eax
      mov ax, [V_MAC_HI]
      mov [RX+10], ax
      mov dword [RX+14], 2   ; kind := reply
      mov ecx, [RX+26]       ; reply length, clamped to 64..1514
      cmp ecx, 64
      jae .big
      mov ecx, 64
    .big:
      cmp ecx, 1514
      jbe .ok
      mov ecx, 1514
    .ok:
      mov eax, [V_VM_ID]
      mov [RX+26], eax       ; reply carries the server's id
      mov [RXBUF], ecx
      mov eax, RXBUF
      mov dx, NIC_TX
      out dx, eax
      mov dword [RXBUF], 1514
      jmp next`,
  };
}

/**
 * A closed-loop client: sends a request to the server named by the next
 * entry of its table (cycling), waits for the reply (idling, with a
 * `timeoutMicros` retry), reports the latency in microseconds of kernel
 * time to the probe device, idles `thinkMicros` (default 0) and goes on;
 * `requests` times (0: forever), then terminate(0). `table` holds VM ids of servers (Zipf-distributed by
 * the caller).
 *
 * @example
 * ```ts
 * import { client } from "./_guests.ts";
 * const img = client({ table: [2, 3, 2], replyBytes: 256, timeoutMicros: 100_000, requests: 10 });
 * console.log(img.flat.length); // 16384
 * ```
 */
export function client(o: {
  table: number[];
  replyBytes: number;
  timeoutMicros: number;
  requests: number;
  thinkMicros?: number;
}): FlatImage {
  if (o.table.length === 0) throw new RangeError("Cannot build client: its server table is empty");
  const n = Math.min(o.table.length, TABLE_ENTRIES);
  const think = o.thinkMicros
    ? `mov ebx, ${o.thinkMicros}
      mov eax, 1               ; think: idle-with-timeout before the next request
      vmcall`
    : "";
  const code = at`${DEFS}
      mov dword [RXBUF], 1514
      mov eax, RXBUF
      mov dx, NIC_RX_BUFFER
      out dx, eax
      mov eax, [V_MAC_LO]      ; own MAC as the source of every request
      mov [TX+6], eax
      mov ax, [V_MAC_HI]
      mov [TX+10], ax
      mov word [TX+12], 0xb588 ; EtherType 0x88B5
      mov dword [TX+14], 1     ; kind: request
      mov dword [TX+26], ${o.replyBytes}
      mov dword [TXBUF], 64
      xor esi, esi             ; table index
      xor edi, edi             ; sequence number
      mov ebp, ${o.requests}   ; requests left (0: forever)
    send:
      mov eax, [${TABLE} + esi*4]
      inc esi
      cmp esi, ${n}
      jb .idx
      xor esi, esi
    .idx:
      bswap eax                ; MAC 02:00:id (big-endian id)
      mov [TX+2], eax
      mov word [TX], 0x0002
      inc edi
      mov [TX+18], edi
      mov eax, [V_TIME_LO]
      mov [TX+22], eax
      mov eax, TXBUF
      mov dx, NIC_TX
      out dx, eax
    receive:
      mov dx, NIC_RX
      in eax, dx
      test eax, eax
      jz wait
    frame:
      cmp dword [RX+14], 2     ; a reply to this request?
      jne receive
      cmp [RX+18], edi
      jne receive
      mov eax, [V_TIME_LO]
      sub eax, [RX+22]
      mov dx, PROBE
      out dx, eax              ; latency sample
      ${think}
      test ebp, ebp
      jz send
      dec ebp
      jnz send
      xor ebx, ebx
      xor eax, eax
      vmcall
    wait:
      cmp dword [V_PENDING], 0
      jne .got
      mov ebx, ${o.timeoutMicros}
      mov eax, 1               ; idle-with-timeout
      vmcall
      test eax, eax
      jnz receive              ; woken by an interrupt
      mov dx, NIC_RX           ; timed out: one last look, then give up on this request
      in eax, dx
      test eax, eax
      jnz frame
      mov dx, PROBE+4
      out dx, eax              ; timeout count
      jmp send
    .got:
      mov dword [V_PENDING], 0
      jmp receive`;
  if (code.length > TABLE - LOAD) throw new Error("Cannot build client: code overlaps its table");
  const flat = new Uint8Array(TABLE - LOAD + TABLE_ENTRIES * 4);
  flat.set(code);
  const view = new DataView(flat.buffer);
  for (let i = 0; i < n; i++) view.setUint32(TABLE - LOAD + i * 4, o.table[i]!, true);
  return { loadAddress: LOAD, flat };
}
