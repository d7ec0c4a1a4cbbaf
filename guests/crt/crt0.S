/*
 * Entry point of Denali guests. The kernel starts the guest at _start with
 * ESP = memSize (16-byte aligned) and the image's .bss already zeroed.
 * _start calls main(0, NULL) with the stack 16-byte aligned at the call, then
 * exit(main's result), which flushes the console and issues VMCALL terminate
 * (EAX = 0, EBX = exit code). It never returns.
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	xorl %ebp, %ebp
	andl $-16, %esp
	subl $8, %esp
	pushl $0          /* argv */
	pushl $0          /* argc */
	call main
	movl %eax, (%esp)
	call exit
1:	movl %eax, %ebx   /* not reached: exit does not return */
	xorl %eax, %eax
	vmcall
	jmp 1b
	.size _start, . - _start
	.section .note.GNU-stack, "", @progbits
