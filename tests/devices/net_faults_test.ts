import { assert } from "../_assert.ts";
import { Kernel, NicDevice } from "../../mod.ts";
import { echoer, hasNasm, netGuest, pinger } from "./net_guests.ts";

const ignore = !hasNasm;

/** Guest snippets that make a bad NIC request, and the fault detail each must give. */
const BAD: [string, string, RegExp][] = [
  ["send header in page 0", "NIC_SEND 0x10", /NIC send header at 0x10 is outside memory/],
  ["send header past memory", "NIC_SEND 0xfffffffe", /NIC send header at 0xfffffffe is outside/],
  [
    "send a 13-byte frame",
    "mov dword [TXBUF], 13\n NIC_SEND TXBUF",
    /NIC frame length 13 is not in 14\.\.1514/,
  ],
  [
    "send a 1515-byte frame",
    "mov dword [TXBUF], 1515\n NIC_SEND TXBUF",
    /NIC frame length 1515 is not in 14\.\.1514/,
  ],
  [
    "send a frame running past the end of memory",
    "mov eax, [V_MEM_SIZE]\n sub eax, 100\n mov dword [eax], 200\n NIC_SEND eax",
    /NIC frame of 200 bytes at 0x\w+ is outside memory/,
  ],
  ["send with OUT16", "mov ax, TXBUF\n mov dx, NIC_TX\n out dx, ax", /NIC send needs OUT32/],
  [
    "receive with no buffer",
    "mov dx, NIC_RX\n in eax, dx",
    /NIC receive with no receive buffer registered/,
  ],
  ["receive with IN8", "NIC_SETUP_RX\n mov dx, NIC_RX\n in al, dx", /NIC receive needs IN32/],
  [
    "register a buffer below the MTU",
    "mov dword [RXBUF], 1513\n mov eax, RXBUF\n mov dx, NIC_RX_BUFFER\n out dx, eax",
    /NIC receive buffer capacity 1513 is below the largest frame \(1514\)/,
  ],
  [
    "register a buffer running past the end of memory",
    "mov eax, [V_MEM_SIZE]\n sub eax, 1000\n mov dword [eax], 1514\n mov dx, NIC_RX_BUFFER\n out dx, eax",
    /NIC receive buffer of 1514 bytes at 0x\w+ is outside memory/,
  ],
  [
    "register a buffer in page 0",
    "mov eax, 8\n mov dx, NIC_RX_BUFFER\n out dx, eax",
    /NIC receive buffer header at 0x8 is outside memory/,
  ],
];

Deno.test({
  name: "NIC faults only the VM that makes a bad request, at its IN or OUT, while a pair talks on",
  ignore,
  async fn() {
    const kernel = new Kernel({ clock: "deterministic" });
    const nic = new NicDevice();
    kernel.attach(nic);
    const a = kernel.create({ image: await pinger(2, "ok", 5), start: true });
    const b = kernel.create({ image: await echoer(5), start: true });
    const bad: number[] = [];
    for (const [, code] of BAD) {
      bad.push(kernel.create({ image: await netGuest(`${code}\n TERMINATE 0`), start: true }));
    }
    await kernel.run();
    assert.equal(kernel.inspect(a).state, "exited");
    assert.equal(kernel.inspect(b).state, "exited");
    assert.equal(kernel.consoleText(a), "okokokokok");
    BAD.forEach(([what, , detail], i) => {
      const info = kernel.inspect(bad[i]!);
      assert.equal(info.state, "faulted", what);
      assert.equal(info.fault?.reason, "bad-device-request", what);
      assert.match(info.fault?.detail ?? "", detail, what);
      assert.match(info.fault!.bytes, /^(66 )?e[c-f]/, `${what}: EIP is the IN/OUT`);
    });
  },
});
