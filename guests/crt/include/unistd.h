/*
 * A few POSIX calls for Denali guests: file descriptor 0 is the keyboard,
 * 1 and 2 the console (through stdout's buffer, so output stays in order).
 * sleep/usleep idle the VM (or, with the library OS's threads, only the
 * calling thread).
 */
#ifndef DENALI_UNISTD_H
#define DENALI_UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

ssize_t write(int fd, const void *buf, size_t n);
ssize_t read(int fd, void *buf, size_t n);
unsigned int sleep(unsigned int seconds);
int usleep(useconds_t us);
pid_t getpid(void);
int close(int fd);
off_t lseek(int fd, off_t offset, int whence);
int isatty(int fd);
int unlink(const char *path);
int access(const char *path, int mode);
#define F_OK 0
#define R_OK 4
#define W_OK 2
#define X_OK 1
__attribute__((noreturn)) void _exit(int code);

#endif
