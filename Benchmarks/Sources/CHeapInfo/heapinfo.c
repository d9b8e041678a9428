#include "CHeapInfo.h"
#include <malloc.h>
#include <stdio.h>
#include <string.h>

size_t h2bench_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

size_t h2bench_rss_kib(void) {
    FILE *status = fopen("/proc/self/status", "r");
    if (!status) return 0;
    char line[256];
    size_t kib = 0;
    while (fgets(line, sizeof line, status)) {
        if (strncmp(line, "VmRSS:", 6) == 0) {
            sscanf(line + 6, "%zu", &kib);
            break;
        }
    }
    fclose(status);
    return kib;
}
