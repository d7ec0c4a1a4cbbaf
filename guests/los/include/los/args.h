/*
 * Program arguments for guests. There is no command line in a VM; a host
 * that wants to pass arguments types them as the first line of keyboard
 * input before the VM starts (tests do; see tests/los_harness.ts).
 */
#ifndef LOS_ARGS_H
#define LOS_ARGS_H

/*
 * If keyboard input is already waiting, takes its first line and splits it
 * at spaces into argv[1..] (argv[0] is `name`); otherwise argc is 1.
 * Never waits. The strings live until the program ends.
 */
void los_args(const char *name, int *argc, char ***argv);

#endif
