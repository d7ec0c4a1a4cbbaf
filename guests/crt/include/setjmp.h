/* Non-local jumps for Denali guests (guests/crt/src/setjmp.S). */
#ifndef DENALI_SETJMP_H
#define DENALI_SETJMP_H

/* EBX, ESI, EDI, EBP, ESP and EIP of the setjmp call. */
typedef unsigned long jmp_buf[6];

int setjmp(jmp_buf env) __attribute__((returns_twice));
__attribute__((noreturn)) void longjmp(jmp_buf env, int value);
#define _setjmp setjmp
#define _longjmp longjmp

#endif
