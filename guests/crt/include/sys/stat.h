/* File status for Denali guests: descriptors 0-2 are character devices; there are no files. */
#ifndef DENALI_SYS_STAT_H
#define DENALI_SYS_STAT_H

#include <sys/types.h>
#include <time.h>

#define S_IFMT 0170000
#define S_IFCHR 0020000
#define S_IFDIR 0040000
#define S_IFREG 0100000
#define S_ISCHR(m) (((m) & S_IFMT) == S_IFCHR)
#define S_ISDIR(m) (((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m) & S_IFMT) == S_IFREG)

struct stat {
  unsigned long st_dev, st_ino;
  mode_t st_mode;
  unsigned int st_nlink;
  uid_t st_uid;
  gid_t st_gid;
  off_t st_size;
  time_t st_atime, st_mtime, st_ctime;
};

int stat(const char *restrict path, struct stat *restrict st);
int fstat(int fd, struct stat *st);
int chmod(const char *path, mode_t mode);

#endif
