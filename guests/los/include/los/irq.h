/*
 * Interrupts in the library OS. An upcall handler (installed in the HANDLER
 * virtual register, on its own stack) only records the delivered lines and
 * returns with IRET; the scheduler runs each line's bottom half at its next
 * scheduling point, in thread context, where it may wake threads.
 */
#ifndef LOS_IRQ_H
#define LOS_IRQ_H

#include <stdint.h>

/* Registers `fn` as the bottom half of `line` (0-31); called with no arguments. */
void los_irq_register(unsigned line, void (*fn)(void));
/* Lines taken by the handler and not yet serviced. */
uint32_t los_irq_peek(void);
/* Runs the bottom halves of the lines taken so far (the scheduler calls it). */
void los_irq_service(void);

#endif
