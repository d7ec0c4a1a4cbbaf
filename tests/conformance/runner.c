/*
 * Native reference runner for the CPU conformance harness (tests/conformance/).
 *
 * Build: gcc -m32 -O2 -no-pie -fno-pie -o runner runner.c   (main.ts does this, cached by hash)
 *
 * It maps a code region and a data region at FIXED addresses, so the test bytes run here at the
 * same addresses as in our CPU, then runs many cases per process. Protocol (little-endian u32s):
 *
 *   stdin:  batches of  [count] then count cases:
 *           [tag=CASE_TAG][codeLen][eax ecx edx ebx esp ebp esi edi][eflags][memSeed][nPokes]
 *           [pokes: (offset << 8 | byte) x nPokes][code bytes, padded to a multiple of 4]
 *   stdout: per case    [tag=RESULT_TAG][status][eip][eax..edi][eflags][faultAddr][nDiff]
 *           [diffs: (offset, dword) x nDiff]   dwords of the data region that changed
 *           stdout is flushed after each batch.
 *
 * The data region starts as mulberry32(memSeed) dwords with the pokes applied (prng.ts has the
 * same generator). Each case: copy the code, append an epilogue `jmp [g_exit_ptr]`, load the
 * registers and EFLAGS (popfd), jump in; the epilogue saves the registers without touching flags
 * or the guest stack, switches back to the host stack and reads EFLAGS. A fault (SIGFPE, SIGSEGV,
 * SIGILL, SIGTRAP) is caught on an alternate signal stack (so the guest stack is not written) and
 * reported with the registers and EIP of the faulting instruction.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define CODE_BASE 0x00200000u
#define CODE_SIZE 0x4000u
#define DATA_BASE 0x00300000u
#define DATA_SIZE 0x2000u
#define CASE_TAG 0xC0DE0001u
#define RESULT_TAG 0x5E5A0001u
#define MAX_POKES 4096
#define EPILOGUE_LEN 6
/* Only the arithmetic flags, DF and the always-one bit 1 may be loaded (never TF or AC). */
#define EFLAGS_LOAD_MASK 0x00000cd5u

enum { ST_OK = 0, ST_DIVIDE = 1, ST_PAGE = 2, ST_INVALID = 3, ST_BREAK = 4, ST_GP = 5,
       ST_TIMEOUT = 6, ST_OTHER = 7 };

/* Shared with the assembly below: eax ecx edx ebx esp ebp esi edi eflags. */
uint32_t g_in[9];
uint32_t g_out[9];
uint32_t g_host_esp;
uint32_t g_entry = CODE_BASE;
uint32_t g_exit_ptr;

void enter_guest(void);
void guest_exit(void);

__asm__(
    ".text\n"
    ".globl enter_guest\n"
    "enter_guest:\n"
    "  pushl %ebp\n"
    "  pushl %ebx\n"
    "  pushl %esi\n"
    "  pushl %edi\n"
    "  movl %esp, g_host_esp\n"
    "  pushl g_in+32\n"
    "  popfl\n"
    "  movl g_in+0, %eax\n"
    "  movl g_in+4, %ecx\n"
    "  movl g_in+8, %edx\n"
    "  movl g_in+12, %ebx\n"
    "  movl g_in+20, %ebp\n"
    "  movl g_in+24, %esi\n"
    "  movl g_in+28, %edi\n"
    "  movl g_in+16, %esp\n"
    "  jmp *g_entry\n"
    ".globl guest_exit\n"
    "guest_exit:\n"
    "  movl %eax, g_out+0\n"
    "  movl %ecx, g_out+4\n"
    "  movl %edx, g_out+8\n"
    "  movl %ebx, g_out+12\n"
    "  movl %esp, g_out+16\n"
    "  movl %ebp, g_out+20\n"
    "  movl %esi, g_out+24\n"
    "  movl %edi, g_out+28\n"
    "  movl g_host_esp, %esp\n"
    "  pushfl\n"
    "  popl g_out+32\n"
    "  cld\n"
    "  popl %edi\n"
    "  popl %esi\n"
    "  popl %ebx\n"
    "  popl %ebp\n"
    "  ret\n");

static sigjmp_buf g_jmp;
static volatile sig_atomic_t g_in_guest;
static volatile uint32_t g_sig_regs[9], g_sig_eip, g_sig_status, g_sig_addr;

static void on_signal(int sig, siginfo_t *si, void *ctx) {
  if (!g_in_guest) {
    static const char msg[] = "runner: signal outside guest code\n";
    (void)!write(2, msg, sizeof msg - 1);
    _exit(3);
  }
  ucontext_t *uc = ctx;
  greg_t *g = uc->uc_mcontext.gregs;
  g_sig_regs[0] = g[REG_EAX];
  g_sig_regs[1] = g[REG_ECX];
  g_sig_regs[2] = g[REG_EDX];
  g_sig_regs[3] = g[REG_EBX];
  g_sig_regs[4] = g[REG_ESP];
  g_sig_regs[5] = g[REG_EBP];
  g_sig_regs[6] = g[REG_ESI];
  g_sig_regs[7] = g[REG_EDI];
  g_sig_regs[8] = g[REG_EFL];
  g_sig_eip = g[REG_EIP];
  g_sig_addr = (uint32_t)(uintptr_t)si->si_addr;
  switch (sig) {
  case SIGFPE: g_sig_status = ST_DIVIDE; break;
  case SIGSEGV: g_sig_status = si->si_code == SI_KERNEL ? ST_GP : ST_PAGE; break;
  case SIGBUS: g_sig_status = ST_PAGE; break;
  case SIGILL: g_sig_status = ST_INVALID; break;
  case SIGTRAP:
    g_sig_status = ST_BREAK;
    g_sig_eip -= 1; /* int3 is a trap: report the instruction, not the one after it */
    break;
  case SIGALRM: g_sig_status = ST_TIMEOUT; break;
  default: g_sig_status = ST_OTHER; break;
  }
  siglongjmp(g_jmp, 1);
}

static uint32_t mulberry32(uint32_t *s) {
  uint32_t t = (*s += 0x6D2B79F5u);
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return t ^ (t >> 14);
}

static int read_exact(void *p, size_t n) { return fread(p, 1, n, stdin) == n; }

static void die(const char *msg) {
  fprintf(stderr, "runner: %s\n", msg);
  exit(2);
}

static void *map_fixed(uint32_t base, uint32_t size) {
  void *p = mmap((void *)(uintptr_t)base, size, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (p == MAP_FAILED || (uint32_t)(uintptr_t)p != base) die("Cannot map a region at its fixed address");
  return p;
}

static void set_timer(long usec) {
  struct itimerval t = {{0, 0}, {usec / 1000000, usec % 1000000}};
  setitimer(ITIMER_REAL, &t, 0);
}

/* Runs the loaded case; fills res[1..12] (status, eip, registers, eflags, fault address). */
static __attribute__((noinline)) void run_guest(uint32_t *res, uint32_t code_len) {
  res[0] = RESULT_TAG;
  set_timer(2000000);
  if (sigsetjmp(g_jmp, 1) == 0) {
    g_in_guest = 1;
    enter_guest();
    g_in_guest = 0;
    res[1] = ST_OK;
    res[2] = CODE_BASE + code_len;
    for (int i = 0; i < 9; i++) res[3 + i] = g_out[i];
    res[12] = 0;
  } else {
    g_in_guest = 0;
    res[1] = g_sig_status;
    res[2] = g_sig_eip;
    for (int i = 0; i < 9; i++) res[3 + i] = g_sig_regs[i];
    res[12] = g_sig_addr;
  }
}

int main(void) {
  static uint8_t code_buf[CODE_SIZE];
  static uint32_t pokes[MAX_POKES];
  static uint32_t init[DATA_SIZE / 4];
  uint8_t *code = map_fixed(CODE_BASE, CODE_SIZE);
  uint32_t *data = map_fixed(DATA_BASE, DATA_SIZE);
  memset(code, 0xcc, CODE_SIZE);

  stack_t ss = {.ss_sp = malloc(1 << 16), .ss_size = 1 << 16, .ss_flags = 0};
  if (!ss.ss_sp || sigaltstack(&ss, 0) != 0) die("Cannot set the alternate signal stack");
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGFPE, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGALRM};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, 0);
  g_exit_ptr = (uint32_t)(uintptr_t)guest_exit;
  static char outbuf[1 << 16];
  setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

  uint32_t count;
  while (read_exact(&count, 4)) {
    for (uint32_t c = 0; c < count; c++) {
      uint32_t hdr[14];
      if (!read_exact(hdr, sizeof hdr)) die("Cannot read a case: truncated header");
      if (hdr[0] != CASE_TAG) die("Cannot read a case: bad tag");
      uint32_t code_len = hdr[1], seed = hdr[11], npokes = hdr[12];
      (void)hdr[13];
      if (code_len + EPILOGUE_LEN > CODE_SIZE || npokes > MAX_POKES) die("Cannot read a case: too big");
      if (npokes && !read_exact(pokes, npokes * 4)) die("Cannot read a case: truncated pokes");
      uint32_t padded = (code_len + 3) & ~3u;
      if (padded && !read_exact(code_buf, padded)) die("Cannot read a case: truncated code");

      for (uint32_t i = 0; i < DATA_SIZE / 4; i++) data[i] = mulberry32(&seed);
      for (uint32_t i = 0; i < npokes; i++) {
        uint32_t off = pokes[i] >> 8;
        if (off < DATA_SIZE) ((uint8_t *)data)[off] = (uint8_t)pokes[i];
      }
      memcpy(init, data, DATA_SIZE);
      memcpy(code, code_buf, code_len);
      uint8_t *e = code + code_len;
      uint32_t ptr = (uint32_t)(uintptr_t)&g_exit_ptr;
      e[0] = 0xff;
      e[1] = 0x25;
      memcpy(e + 2, &ptr, 4);
      for (int i = 0; i < 8; i++) g_in[i] = hdr[2 + i];
      g_in[8] = (hdr[10] & EFLAGS_LOAD_MASK) | 2u;

      uint32_t res[14];
      run_guest(res, code_len);
      set_timer(0);
      memset(code, 0xcc, code_len + EPILOGUE_LEN);

      uint32_t ndiff = 0;
      for (uint32_t i = 0; i < DATA_SIZE / 4; i++) ndiff += data[i] != init[i];
      res[13] = ndiff;
      fwrite(res, 4, 14, stdout);
      for (uint32_t i = 0; i < DATA_SIZE / 4; i++) {
        if (data[i] != init[i]) {
          uint32_t d[2] = {i * 4, data[i]};
          fwrite(d, 4, 2, stdout);
        }
      }
    }
    fflush(stdout);
  }
  return 0;
}
