/* The FILE of the Denali guest libc (private to guests/crt/src). */
#ifndef DENALI_FILE_H
#define DENALI_FILE_H

struct dn_file {
  int fd;     /* 0 stdin, 1 stdout, 2 stderr */
  int eof;    /* stdin reached the end of input */
  int error;  /* a read or write failed */
  int unget;  /* a byte pushed back by ungetc, or -1 */
};

#endif
