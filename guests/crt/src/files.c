/* The file-system calls of a guest with no file system (fcntl.h, sys/stat.h, unistd.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int open(const char *path, int flags, ...) {
  (void)path, (void)flags;
  errno = ENOENT;
  return -1;
}

int creat(const char *path, mode_t mode) {
  (void)path, (void)mode;
  errno = EROFS;
  return -1;
}

int fcntl(int fd, int cmd, ...) {
  if (fd < 0 || fd > 2) {
    errno = EBADF;
    return -1;
  }
  return cmd == F_GETFL ? (fd == 0 ? O_RDONLY : O_WRONLY) : 0;
}

int close(int fd) {
  if (fd < 0 || fd > 2) {
    errno = EBADF;
    return -1;
  }
  return 0;
}

off_t lseek(int fd, off_t offset, int whence) {
  (void)offset, (void)whence;
  errno = fd >= 0 && fd <= 2 ? ESPIPE : EBADF;
  return -1;
}

int isatty(int fd) {
  errno = fd >= 0 && fd <= 2 ? ENOTTY : EBADF;
  return 0;
}

int unlink(const char *path) {
  (void)path;
  errno = ENOENT;
  return -1;
}

int access(const char *path, int mode) {
  (void)path, (void)mode;
  errno = ENOENT;
  return -1;
}

int stat(const char *restrict path, struct stat *restrict st) {
  (void)path, (void)st;
  errno = ENOENT;
  return -1;
}

int fstat(int fd, struct stat *st) {
  if (fd < 0 || fd > 2) {
    errno = EBADF;
    return -1;
  }
  memset(st, 0, sizeof *st);
  st->st_mode = S_IFCHR | 0600;
  return 0;
}

int chmod(const char *path, mode_t mode) {
  (void)path, (void)mode;
  errno = ENOENT;
  return -1;
}
