/*
 * The Denali library OS (guests/los, after the paper's Ilwaco): cooperative
 * threads with locks and condition variables, callouts, interrupt bottom
 * halves, drivers for the keyboard, NIC, disk and timer, and a TCP/IP stack
 * with a small socket API. Link is automatic (guests/build.ts); include this
 * header, or the los/ headers you need.
 */
#ifndef LOS_H
#define LOS_H

#include <los/args.h>
#include <los/dev.h>
#include <los/irq.h>
#include <los/list.h>
#include <los/socket.h>
#include <los/sync.h>
#include <los/thread.h>
#include <los/timer.h>

#endif
