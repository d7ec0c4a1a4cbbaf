/* Process exit: flush the console, then VMCALL terminate (kernel/ISA.md). */
#include <assert.h>
#include <denali.h>
#include <stdio.h>
#include <stdlib.h>

void exit(int code) {
  fflush(stdout);
  dn_terminate(code);
}

void abort(void) { exit(134); }

void __dn_assert_fail(const char *expr, const char *file, int line) {
  fprintf(stderr, "%s:%d: assertion failed: %s\n", file, line, expr);
  abort();
}
