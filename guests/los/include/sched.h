/* sched_yield for guests: lets the library OS's other threads run. */
#ifndef LOS_SCHED_H
#define LOS_SCHED_H

int sched_yield(void);

#endif
