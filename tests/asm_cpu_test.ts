/**
 * A guest written inline and assembled by guests/asm runs in our CPU: loops, XADD, string
 * copies with REP MOVSB, console output through OUT, a call with a stack
 * argument, and terminate through VMCALL (the guest ABI of kernel/ISA.md).
 */
import { assert } from "./_assert.ts";
import { assembleProgram } from "../guests/asm/mod.ts";
import { AddressSpace, Cpu, PhysicalMemory, Reg, Stop } from "../mod.ts";

const LOAD = 0x10000, MEM = 0x20000;

const guest = assembleProgram(`
  org ${LOAD}
  CONSOLE equ 0x100
start:
  mov ecx, 20                 ; fib(20) by repeated XADD
  xor eax, eax
  mov ebx, 1
.fib:
  xadd eax, ebx
  loop .fib
  mov [result], eax
  mov esi, msg                ; copy the message
  mov edi, buf
  mov ecx, msg_len
  cld
  rep movsb
  mov esi, buf                ; print it a byte at a time
  mov dx, CONSOLE
.print:
  lodsb
  test al, al
  jz .done
  out dx, al
  jmp .print
.done:
  push dword 7
  call square
  add esp, 4
  mov ebx, eax                ; terminate(7 * 7)
  xor eax, eax
  vmcall
  ud2
square:
  mov eax, [esp + 4]
  imul eax, eax
  ret
msg: db "hi from asm", 0
msg_len equ $ - msg
align 4
result: dd 0
buf: times 16 db 0
`);

for (const jit of [false, true]) {
  Deno.test(`asm guest runs in the CPU and terminates with its exit code${jit ? " [jit]" : ""}`, () => {
    const mem = new AddressSpace(new PhysicalMemory(), MEM);
    mem.allocate(LOAD, MEM - LOAD, true);
    assert.ok(mem.writeBytes(LOAD, guest.code));
    const cpu = new Cpu(mem, jit ? { jit: true, jitThreshold: 0 } : { jit: false });
    cpu.eip = LOAD;
    cpu.regs[Reg.ESP] = MEM;
    let out = "", stop = cpu.run(100_000);
    while (stop === Stop.Out) {
      assert.equal(cpu.exit.port, 0x100);
      out += String.fromCharCode(cpu.exit.value);
      stop = cpu.run(100_000);
    }
    assert.equal(stop, Stop.Vmcall);
    assert.equal(out, "hi from asm");
    assert.equal(cpu.regs[Reg.EAX], 0);
    assert.equal(cpu.regs[Reg.EBX], 49);
    assert.equal(mem.read32(guest.symbols.get("result")!), 6765);
    assert.equal(cpu.regs[Reg.ESP], MEM);
  });
}
