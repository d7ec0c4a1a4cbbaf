/*
 * Entry point of Denali guests. The kernel starts the guest at _start with
 * ESP = memSize (16-byte aligned) and the image's .bss already zeroed.
 * _start calls __dn_start (guests/crt/src/start.c) with the stack 16-byte
 * aligned; it builds argc/argv, calls main and exits with its result
 * (exit flushes the console and issues VMCALL terminate). It never returns.
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	andl $-16, %esp
	call __dn_start
1:	movl $1, %ebx     /* not reached */
	xorl %eax, %eax
	vmcall
	jmp 1b
	.size _start, . - _start
	.section .note.GNU-stack, "", @progbits
