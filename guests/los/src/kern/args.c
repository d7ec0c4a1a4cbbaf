/* los_args: arguments from the first line of keyboard input already waiting (los/args.h). */
#include <denali.h>
#include <los/args.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 32
#define MAX_LINE 1024

void los_args(const char *name, int *argc, char ***argv) {
  static char line[MAX_LINE];
  static char *args[MAX_ARGS + 1];
  int n = 0;
  args[n++] = (char *)name;
  if (inl(DN_KBD_WAITING) > 0) {
    size_t len = 0;
    for (;;) {
      uint32_t v = inl(DN_KBD_DATA);
      if (v == 0xFFFFFFFFu || v == '\n') break;
      if (len < MAX_LINE - 1) line[len++] = (char)v;
    }
    line[len] = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, " \t\r", &save); t && n < MAX_ARGS; t = strtok_r(NULL, " \t\r", &save)) {
      args[n++] = t;
    }
  }
  args[n] = NULL;
  *argc = n;
  *argv = args;
}
