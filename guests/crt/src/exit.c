/*
 * Process exit: run atexit handlers (last registered first), the library
 * OS's hook, flush the console, then VMCALL terminate (kernel/ISA.md).
 */
#include <assert.h>
#include <denali.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_ATEXIT 32

static void (*handlers[MAX_ATEXIT])(void);
static int count;

int atexit(void (*fn)(void)) {
  if (count == MAX_ATEXIT) return -1;
  handlers[count++] = fn;
  return 0;
}

void exit(int code) {
  while (count > 0) handlers[--count]();
  if (dn_hooks.at_exit) dn_hooks.at_exit(code);
  fflush(stdout);
  dn_terminate(code);
}

void _Exit(int code) {
  fflush(stdout);
  dn_terminate(code);
}

void abort(void) {
  fflush(stdout);
  dn_terminate(134);
}

void __dn_assert_fail(const char *expr, const char *file, int line) {
  fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, expr);
  abort();
}
