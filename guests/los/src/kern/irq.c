/*
 * Bottom halves of interrupts. The upcall handler (switch.S) ORs the lines
 * the kernel delivered into los_irq_lines; the scheduler calls
 * los_irq_service at every scheduling point, which takes the lines with one
 * XCHG (an upcall can only land between instructions) and calls each line's
 * bottom half in thread context.
 */
#include <denali.h>

#include "kern.h"

volatile uint32_t los_irq_lines;
volatile uint32_t los_irq_upcalls;
static void (*bottom[32])(void);

void los_irq_register(unsigned line, void (*fn)(void)) {
  los_init();
  if (line < 32) bottom[line] = fn;
}

uint32_t los_irq_peek(void) { return los_irq_lines; }

void los_irq_service(void) {
  uint32_t lines = __atomic_exchange_n(&los_irq_lines, 0, __ATOMIC_SEQ_CST);
  while (lines) {
    unsigned line = (unsigned)__builtin_ctz(lines);
    lines &= lines - 1;
    if (bottom[line]) bottom[line]();
  }
}
