// Thread placement for the worker team (Sources/PulseProp/Support/WorkerTeam.swift).
#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>

#include "CKernels.h"

int pp_current_cpu(void) { return sched_getcpu(); }

int pp_avoid_cpu(int cpu) {
    // Start from the process's CPUs (the main thread's), not this thread's, which an earlier
    // call narrowed.
    cpu_set_t allowed;
    if (cpu < 0 || cpu >= CPU_SETSIZE || sched_getaffinity(getpid(), sizeof allowed, &allowed) != 0) return 0;
    if (!CPU_ISSET(cpu, &allowed) || CPU_COUNT(&allowed) < 2) return 0;
    CPU_CLR(cpu, &allowed);
    return sched_setaffinity(0, sizeof allowed, &allowed) == 0;
}
