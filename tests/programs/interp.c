/* A small stack-machine bytecode interpreter (switch dispatch) running three programs. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum op {
  PUSH, LOAD, STORE, ADD, SUB, MUL, DIV, MOD, LT, EQ, JMP, JZ, CALL, RET, PRINT, HALT, DUP, DROP,
  ARG, NEG, AND, OR, XOR, SHL, SHR
};

static const char *const names[] = {"PUSH", "LOAD", "STORE", "ADD", "SUB", "MUL", "DIV", "MOD",
                                    "LT", "EQ", "JMP", "JZ", "CALL", "RET", "PRINT", "HALT",
                                    "DUP", "DROP", "ARG", "NEG", "AND", "OR", "XOR", "SHL", "SHR"};

struct frame {
  int ret, base, nargs;
};

struct vm {
  int32_t stack[256];
  int32_t vars[16];
  struct frame frames[64];
  int sp, fp;
  long steps;
  int counts[25];
};

static int run(struct vm *m, const int32_t *code) {
  int pc = 0;
  m->sp = 0, m->fp = 0, m->steps = 0;
  memset(m->counts, 0, sizeof m->counts);
  for (;;) {
    int32_t op = code[pc++], a, b;
    m->steps++;
    m->counts[op]++;
    switch (op) {
    case PUSH: m->stack[m->sp++] = code[pc++]; break;
    case LOAD: m->stack[m->sp++] = m->vars[code[pc++]]; break;
    case STORE: m->vars[code[pc++]] = m->stack[--m->sp]; break;
    case ADD: b = m->stack[--m->sp], a = m->stack[--m->sp], m->stack[m->sp++] = a + b; break;
    case SUB: b = m->stack[--m->sp], a = m->stack[--m->sp], m->stack[m->sp++] = a - b; break;
    case MUL: b = m->stack[--m->sp], a = m->stack[--m->sp], m->stack[m->sp++] = a * b; break;
    case DIV:
      b = m->stack[--m->sp], a = m->stack[--m->sp];
      if (b == 0) return -1;
      m->stack[m->sp++] = a / b;
      break;
    case MOD:
      b = m->stack[--m->sp], a = m->stack[--m->sp];
      if (b == 0) return -1;
      m->stack[m->sp++] = a % b;
      break;
    case LT: b = m->stack[--m->sp], a = m->stack[--m->sp], m->stack[m->sp++] = a < b; break;
    case EQ: b = m->stack[--m->sp], a = m->stack[--m->sp], m->stack[m->sp++] = a == b; break;
    case JMP: pc = code[pc]; break;
    case JZ: a = m->stack[--m->sp], pc = a == 0 ? code[pc] : pc + 1; break;
    case CALL: /* CALL target nargs */
      m->frames[m->fp++] = (struct frame){pc + 2, m->sp - code[pc + 1], code[pc + 1]};
      pc = code[pc];
      break;
    case RET: {
      struct frame f = m->frames[--m->fp];
      a = m->stack[--m->sp];
      m->sp = f.base;
      m->stack[m->sp++] = a;
      pc = f.ret;
      break;
    }
    case ARG: m->stack[m->sp++] = m->stack[m->frames[m->fp - 1].base + code[pc++]]; break;
    case PRINT: printf("  out: %d\n", m->stack[--m->sp]); break;
    case DUP: a = m->stack[m->sp - 1], m->stack[m->sp++] = a; break;
    case DROP: m->sp--; break;
    case NEG: m->stack[m->sp - 1] = -m->stack[m->sp - 1]; break;
    case AND: b = m->stack[--m->sp], m->stack[m->sp - 1] &= b; break;
    case OR: b = m->stack[--m->sp], m->stack[m->sp - 1] |= b; break;
    case XOR: b = m->stack[--m->sp], m->stack[m->sp - 1] ^= b; break;
    case SHL: b = m->stack[--m->sp], m->stack[m->sp - 1] <<= b; break;
    case SHR: b = m->stack[--m->sp], m->stack[m->sp - 1] = (int32_t)((uint32_t)m->stack[m->sp - 1] >> b); break;
    case HALT: return m->sp > 0 ? m->stack[m->sp - 1] : 0;
    default: return -2;
    }
  }
}

/* fib(n) recursively: fib(n) = n < 2 ? n : fib(n-1) + fib(n-2) */
static const int32_t fib_prog[] = {
    PUSH, 18, CALL, 6, 1, HALT,
    /* 6: */ ARG, 0, PUSH, 2, LT, JZ, 16, ARG, 0, RET,
    /* 16: */ ARG, 0, PUSH, 1, SUB, CALL, 6, 1, ARG, 0, PUSH, 2, SUB, CALL, 6, 1, ADD, RET};

/* count the primes below 1000 by trial division */
static const int32_t primes_prog[] = {
    PUSH, 0, STORE, 0, /* count = 0 */
    PUSH, 2, STORE, 1, /* n = 2 */
    /* 8: loop */ LOAD, 1, PUSH, 1000, LT, JZ, 70,
    PUSH, 2, STORE, 2, /* d = 2 */
    /* 19: inner: d*d <= n ? */
    LOAD, 2, LOAD, 2, MUL, LOAD, 1, LT, LOAD, 2, LOAD, 2, MUL, LOAD, 1, EQ, OR, JZ, 54,
    /* 38: n % d == 0 -> not prime */ LOAD, 1, LOAD, 2, MOD, JZ, 61,
    /* 45: d++ */ LOAD, 2, PUSH, 1, ADD, STORE, 2, JMP, 19,
    /* 54: prime */ LOAD, 0, PUSH, 1, ADD, STORE, 0,
    /* 61: next n */ LOAD, 1, PUSH, 1, ADD, STORE, 1, JMP, 8,
    /* 70: */ LOAD, 0, HALT};

/* bit tricks: xorshift 1000 times, then print the value and -value / 7 */
static const int32_t bits_prog[] = {
    PUSH, 2463534, STORE, 0, PUSH, 1000, STORE, 1,
    /* 8 */ LOAD, 1, JZ, 49,
    LOAD, 0, DUP, PUSH, 13, SHL, XOR, DUP, PUSH, 17, SHR, XOR, DUP, PUSH, 5, SHL, XOR, STORE, 0,
    LOAD, 1, PUSH, 1, SUB, STORE, 1, JMP, 8, HALT, HALT, HALT, HALT, HALT, HALT, HALT, HALT, HALT,
    /* 49 */ LOAD, 0, PRINT, LOAD, 0, NEG, PUSH, 7, DIV, PRINT, PUSH, -17, PUSH, 5, MOD, HALT};

static void report(const char *name, struct vm *m, int result) {
  printf("%s: result %d in %ld steps\n", name, result, m->steps);
  for (int i = 0; i < 25; i++) {
    if (m->counts[i]) printf("  %-5s %d\n", names[i], m->counts[i]);
  }
}

static struct vm machine;

int main(void) {
  report("fib(18)", &machine, run(&machine, fib_prog));
  report("primes<1000", &machine, run(&machine, primes_prog));
  report("bits", &machine, run(&machine, bits_prog));
  return 0;
}
