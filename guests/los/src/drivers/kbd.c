/*
 * Keyboard driver (kernel/ISA.md, "Keyboard"; line 1). Readers take bytes
 * straight from the device's buffer; when it is empty they block until line
 * 1 (raised for every arrival and at the end of input) wakes them. stdin
 * reads through here once the library OS has started.
 */
#include <los/dev.h>
#include <los/irq.h>

#include "../kern/kern.h"

static los_list readers = LOS_LIST_INIT(readers);
static int installed;

static void kbd_irq(void) { los_wake_all(&readers); }

int los_kbd_read(void *buf, uint32_t n) {
  uint8_t *p = buf;
  los_kbd_install();
  for (;;) {
    uint32_t got = 0;
    while (got < n) {
      uint32_t v = inl(DN_KBD_DATA);
      if (v == 0xFFFFFFFFu) break;
      p[got++] = (uint8_t)v;
    }
    if (got > 0) return (int)got;
    if (inl(DN_KBD_STATUS) & 1) return 0;
    los_block(&readers);
  }
}

void los_kbd_install(void) {
  if (installed) return;
  installed = 1;
  los_irq_register(DN_LINE_KEYBOARD, kbd_irq);
  dn_hooks.stdin_read = los_kbd_read;
}
