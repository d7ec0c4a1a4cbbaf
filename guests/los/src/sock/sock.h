/* Private to guests/los/src/sock. */
#ifndef LOS_SOCK_PRIVATE_H
#define LOS_SOCK_PRIVATE_H

/* Re-arms the stack's timer callout at its next deadline (after any stack call). */
void los_net_sync(void);

#endif
