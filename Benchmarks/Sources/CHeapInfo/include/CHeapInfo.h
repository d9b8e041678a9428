#ifndef CHEAPINFO_H
#define CHEAPINFO_H
#include <stddef.h>

/// Octets glibc's malloc has handed out and not had back (mallinfo2: uordblks + hblkhd).
size_t h2bench_heap_in_use(void);
/// Resident set size of this process in KiB (VmRSS in /proc/self/status), or 0.
size_t h2bench_rss_kib(void);

#endif
