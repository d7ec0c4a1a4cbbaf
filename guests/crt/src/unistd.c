/* A few POSIX calls over the console and keyboard (unistd.h). */
#include <denali.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

ssize_t write(int fd, const void *buf, size_t n) {
  if (fd != 1 && fd != 2) {
    errno = EBADF;
    return -1;
  }
  return (ssize_t)fwrite(buf, 1, n, fd == 1 ? stdout : stderr);
}

ssize_t read(int fd, void *buf, size_t n) {
  if (fd != 0) {
    errno = EBADF;
    return -1;
  }
  if (n == 0) return 0;
  int c = fgetc(stdin);
  if (c == EOF) return 0;
  unsigned char *p = buf;
  p[0] = (unsigned char)c;
  return 1;
}

unsigned int sleep(unsigned int seconds) {
  dn_hooks.sleep_us((uint64_t)seconds * 1000000u);
  return 0;
}

int usleep(useconds_t us) {
  dn_hooks.sleep_us(us);
  return 0;
}

pid_t getpid(void) { return (pid_t)DN_VREG(DN_VREG_VM_ID); }

void _exit(int code) { _Exit(code); }
