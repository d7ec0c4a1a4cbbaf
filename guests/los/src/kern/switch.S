/*
 * The library OS's machine-level pieces (i386, cdecl):
 *
 * - los_switch(save, esp): saves the callee-saved registers on the current
 *   stack, stores ESP in *save, loads `esp` and restores the registers saved
 *   there. A new thread's stack is prepared so that the switch "returns" into
 *   los_thread_trampoline.
 * - los_irq_entry: the interrupt upcall (kernel/ISA.md, "Interrupts"). It runs
 *   on the handler stack with IF clear, moves the delivered lines from the
 *   PENDING virtual register into los_irq_lines and returns with IRET.
 * - los_idle_wait(timeout): idles the VM unless an interrupt was taken. The
 *   check and the VMCALL form a restartable sequence: if an upcall lands
 *   between them, the handler moves the return address to los_idle_abort, so
 *   a line taken just before the VMCALL can never be slept through.
 */
#define VREG_PENDING 0x1018

	.text
	.globl los_switch
	.type los_switch, @function
los_switch:
	movl 4(%esp), %eax
	movl 8(%esp), %edx
	pushl %ebp
	pushl %ebx
	pushl %esi
	pushl %edi
	movl %esp, (%eax)
	movl %edx, %esp
	popl %edi
	popl %esi
	popl %ebx
	popl %ebp
	ret
	.size los_switch, . - los_switch

	.globl los_thread_trampoline
	.type los_thread_trampoline, @function
los_thread_trampoline:
	call los_thread_main
	ud2
	.size los_thread_trampoline, . - los_thread_trampoline

	.globl los_idle_wait
	.type los_idle_wait, @function
los_idle_wait:
	pushl %ebx
	movl 8(%esp), %ebx
	.globl los_idle_begin
los_idle_begin:
	cmpl $0, los_irq_lines
	jne los_idle_abort
	movl $1, %eax
	vmcall
	.globl los_idle_end
los_idle_end:
	popl %ebx
	ret
	.globl los_idle_abort
los_idle_abort:
	movl $2, %eax            /* 2: an interrupt was taken before idling */
	popl %ebx
	ret
	.size los_idle_wait, . - los_idle_wait

	.globl los_irq_entry
	.type los_irq_entry, @function
los_irq_entry:
	pushl %eax
	movl VREG_PENDING, %eax
	orl %eax, los_irq_lines
	notl %eax
	andl %eax, VREG_PENDING
	incl los_irq_upcalls
	movl 4(%esp), %eax        /* the interrupted EIP */
	cmpl $los_idle_begin, %eax
	jb 1f
	cmpl $los_idle_end, %eax
	jae 1f
	movl $los_idle_abort, 4(%esp)
1:	popl %eax
	iretl
	.size los_irq_entry, . - los_irq_entry
	.section .note.GNU-stack, "", @progbits
