/**
 * nasm guests for the network tests and benchmarks: the NIC ABI as macros
 * (kernel/ISA.md, "NIC") and small programs that send, echo, sink, flood and
 * answer ARP and ICMP echo.
 *
 * Buffers live at fixed addresses in demand-zero memory: RXBUF (the
 * registered receive buffer, `{u32 capacity; bytes}`) and TXBUF. A received
 * frame can be sent back from RXBUF after writing its length into the header,
 * since a send buffer has the same shape (`{u32 length; bytes}`).
 *
 * @module
 */

import { guest } from "../kernel/_guests.ts";

export { hasNasm } from "../kernel/_guests.ts";

/** NIC macros on top of the kernel tests' prelude. */
export const NET = `
%define V_MAC_LO VREGS+0x30
%define V_MAC_HI VREGS+0x34
%define NIC_TX 0x200
%define NIC_RX 0x204
%define NIC_RX_BUFFER 0x208
%define NIC_RX_PENDING 0x20c
%define RXBUF 0x30000
%define TXBUF 0x31000
%define F RXBUF+4
%macro NIC_SEND 1          ; sends {u32 length; bytes} at %1
  mov eax, %1
  mov dx, NIC_TX
  out dx, eax
%endmacro
%macro NIC_SETUP_RX 0      ; registers RXBUF with capacity 1514
  mov dword [RXBUF], 1514
  mov eax, RXBUF
  mov dx, NIC_RX_BUFFER
  out dx, eax
%endmacro
%macro SET_SRC_MAC 1       ; own MAC (from the virtual registers) at %1+6
  mov eax, [V_MAC_LO]
  mov [%1+6], eax
  mov ax, [V_MAC_HI]
  mov [%1+10], ax
%endmacro
%macro REPLY_MACS 1        ; frame at %1: destination := source, source := own MAC
  mov eax, [%1+6]
  mov [%1], eax
  mov ax, [%1+10]
  mov [%1+4], ax
  SET_SRC_MAC %1
%endmacro
%macro WAIT_IRQ 0          ; sleeps until an interrupt; no lost wake-up (IF clear around the test)
  cli
  cmp dword [V_PENDING], 0
  jne %%got
  hlt                      ; returns at once if a line waits in the kernel
  sti
  YIELD                    ; lets the kernel deliver lines raised while IF was clear
  jmp %%done
%%got:
  mov dword [V_PENDING], 0
  sti
%%done:
%endmacro
%macro RECV_WAIT 0         ; eax = length of the next frame, waiting for one
%%again:
  mov dx, NIC_RX
  in eax, dx
  test eax, eax
  jnz %%done
  WAIT_IRQ
  jmp %%again
%%done:
%endmacro
%macro PRINT_PAYLOAD 0     ; console-writes the payload of the frame in RXBUF (length in eax)
  sub eax, 14
  mov [F+10], eax          ; {u32 length; payload} over the source MAC's tail and the EtherType
  mov eax, F+10
  mov dx, 0x104
  out dx, eax
%endmacro
`;

/** A frame template in nasm: `{u32 length; dst; src (zero); EtherType 0x88B5; payload}`. */
function frameData(label: string, dst: string, payload: string, pad = 0): string {
  const bytes = new TextEncoder().encode(payload);
  return `
${label}:
  dd ${14 + bytes.length + pad}
  db ${dst}
  times 6 db 0
  db 0x88, 0xb5
  ${bytes.length > 0 ? `db ${Array.from(bytes).join(",")}` : ""}
  ${pad > 0 ? `times ${pad} db 0` : ""}
`;
}

/** nasm bytes of the MAC of VM `id` (02:00 + id big-endian). */
export function macBytes(id: number): string {
  return [2, 0, id >>> 24 & 255, id >>> 16 & 255, id >>> 8 & 255, id & 255].join(",");
}

type Image = { flat: Uint8Array; loadAddress: number };

/** Assembles a network guest. */
export function netGuest(source: string): Promise<Image> {
  return guest(NET + source);
}

/** Sends `count` frames with `payload` to VM `peer`, printing each reply's payload; exits 0. */
export function pinger(peer: number, payload: string, count = 1): Promise<Image> {
  return netGuest(`
  NIC_SETUP_RX
  SET_SRC_MAC frame+4
  mov edi, ${count}
again:
  NIC_SEND frame
  RECV_WAIT
  PRINT_PAYLOAD
  dec edi
  jnz again
  TERMINATE 0
${frameData("frame", macBytes(peer), payload)}`);
}

/** Echoes `count` frames back to their sender (0: forever), printing nothing; exits 0. */
export function echoer(count = 0): Promise<Image> {
  return netGuest(`
  NIC_SETUP_RX
  mov esi, ${count}
again:
  RECV_WAIT
  mov [RXBUF], eax
  REPLY_MACS F
  NIC_SEND RXBUF
  dec esi
  jnz again
  TERMINATE 0`);
}

/** Receives `count` frames, printing each payload; exits 0. */
export function reader(count: number): Promise<Image> {
  return netGuest(`
  NIC_SETUP_RX
  mov esi, ${count}
again:
  RECV_WAIT
  PRINT_PAYLOAD
  dec esi
  jnz again
  TERMINATE 0`);
}

/** Registers a receive buffer, then sleeps forever without reading. */
export function sink(): Promise<Image> {
  return netGuest(`
  NIC_SETUP_RX
idle:
  hlt
  jmp idle`);
}

/** Sends frames to VM `peer` as fast as it can, forever (most are refused: queue full). */
export function flooder(peer: number): Promise<Image> {
  return netGuest(`
  SET_SRC_MAC frame+4
again:
  NIC_SEND frame
  jmp again
${frameData("frame", macBytes(peer), "flood")}`);
}

/**
 * Sends `count` frames with payload `payload` to VM `peer`, yielding after
 * each one, then prints the status of its last send as a digit; exits 0.
 */
export function sender(peer: number, payload: string, count: number): Promise<Image> {
  return netGuest(`
  SET_SRC_MAC frame+4
  mov edi, ${count}
again:
  NIC_SEND frame
  YIELD
  dec edi
  jnz again
  mov dx, NIC_TX
  in eax, dx
  add al, '0'
  mov dx, 0x100
  out dx, al
  TERMINATE 0
${frameData("frame", macBytes(peer), payload)}`);
}

/** The IPv4 address `a.b.c.d` as the little-endian dword of its bytes in memory. */
export function ipDword(ip: string): number {
  const b = ip.split(".").map(Number);
  return (b[0]! | b[1]! << 8 | b[2]! << 16 | b[3]! << 24) >>> 0;
}

/**
 * Answers ARP requests for `ip` and ICMP echo requests to `ip`, forever: the
 * smallest host a `ping` can reach.
 */
export function pingResponder(ip: string): Promise<Image> {
  const me = `0x${ipDword(ip).toString(16)}`;
  return netGuest(`
  NIC_SETUP_RX
main:
  RECV_WAIT
  mov ebp, eax
  cmp word [F+12], 0x0608      ; EtherType 0x0806: ARP
  je arp
  cmp word [F+12], 0x0008      ; EtherType 0x0800: IPv4
  je ipv4
  jmp main
arp:
  cmp word [F+20], 0x0100      ; operation 1: request
  jne main
  cmp dword [F+38], ${me}      ; target protocol address
  jne main
  mov word [F+20], 0x0200      ; operation 2: reply
  mov eax, [F+22]              ; target hardware := sender hardware
  mov [F+32], eax
  mov ax, [F+26]
  mov [F+36], ax
  mov eax, [F+28]              ; target protocol := sender protocol
  mov [F+38], eax
  mov eax, [V_MAC_LO]          ; sender hardware := own MAC
  mov [F+22], eax
  mov ax, [V_MAC_HI]
  mov [F+26], ax
  mov dword [F+28], ${me}      ; sender protocol := own IP
  REPLY_MACS F
  mov dword [RXBUF], 42
  NIC_SEND RXBUF
  jmp main
ipv4:
  cmp byte [F+14], 0x45        ; IPv4 without options
  jne main
  cmp byte [F+23], 1           ; ICMP
  jne main
  cmp dword [F+30], ${me}      ; to us
  jne main
  cmp byte [F+34], 8           ; echo request
  jne main
  mov eax, [F+26]              ; swap the addresses (the header checksum stays right)
  mov ecx, [F+30]
  mov [F+26], ecx
  mov [F+30], eax
  mov byte [F+34], 0           ; echo reply: checksum += 0x0800, one's complement
  movzx eax, word [F+36]
  xchg al, ah
  add eax, 0x0800
  cmp eax, 0xffff
  jbe .nocarry
  sub eax, 0xffff
.nocarry:
  xchg al, ah
  mov [F+36], ax
  REPLY_MACS F
  mov [RXBUF], ebp
  NIC_SEND RXBUF
  jmp main`);
}

/**
 * Benchmark sender: `frames` frames of `size` bytes to VM (own id - `delta`),
 * in bursts of `burst` (dividing `frames`) with a yield after each burst (so
 * the switch drains); exits 0. One image serves every pair.
 */
export function burstSender(
  delta: number,
  frames: number,
  size: number,
  burst: number,
): Promise<Image> {
  return netGuest(`
  SET_SRC_MAC frame+4
  mov eax, [V_VM_ID]
  sub eax, ${delta}
  bswap eax
  mov [frame+4+2], eax         ; destination: 02:00 + peer id, big-endian
  mov edi, ${Math.floor(frames / burst)}
round:
  mov esi, ${burst}
one:
  NIC_SEND frame
  dec esi
  jnz one
  YIELD
  dec edi
  jnz round
  TERMINATE 0
${frameData("frame", macBytes(0), "", size - 14)}`);
}

/**
 * Benchmark receiver: announces itself with one frame to a MAC nobody has
 * (so the switch learns its MAC, as a host's gratuitous ARP does, without
 * other receivers counting it), receives `frames` frames, then exits 0.
 */
export function countingReceiver(frames: number): Promise<Image> {
  return netGuest(`
  NIC_SETUP_RX
  SET_SRC_MAC hello+4
  NIC_SEND hello
  mov esi, ${frames}
again:
  RECV_WAIT
  dec esi
  jnz again
  TERMINATE 0
${frameData("hello", "2,0,0xff,0xff,0xff,0xff", "hello")}`);
}
