/*
 * Program start: argc/argv for main. A VM has no command line; an image
 * may carry one, baked in at build time as `const char dn_command_line[]`
 * (deno task cli build --cmdline "prog arg..." adds it). Words are split at
 * spaces and tabs; single or double quotes group words. Without one, argv
 * is {"guest", NULL}.
 */
#include <stdlib.h>

#define MAX_ARGS 64
#define MAX_LINE 4096

extern const char dn_command_line[] __attribute__((weak));
int main(int argc, char **argv);

void __dn_start(void) __attribute__((noreturn));

void __dn_start(void) {
  static char line[MAX_LINE];
  static char *argv[MAX_ARGS + 1];
  int argc = 0;
  if (dn_command_line) {
    const char *s = dn_command_line;
    char *out = line, *end = line + MAX_LINE - 1;
    while (*s && argc < MAX_ARGS) {
      while (*s == ' ' || *s == '\t') s++;
      if (!*s) break;
      argv[argc++] = out;
      char quote = 0;
      while (*s && out < end && (quote || (*s != ' ' && *s != '\t'))) {
        if (quote && *s == quote) quote = 0;
        else if (!quote && (*s == '"' || *s == '\'')) quote = *s;
        else *out++ = *s;
        s++;
      }
      *out++ = 0;
      if (out >= end) break;
    }
  }
  if (argc == 0) argv[argc++] = "guest";
  argv[argc] = 0;
  exit(main(argc, argv));
}
