#include "FuzzDriver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Provided by libFuzzer (compiler-rt) when the program is linked with -sanitize=fuzzer;
// weak so that a build without it still links and can replay files.
extern int LLVMFuzzerRunDriver(int *argc, char ***argv,
                               int (*test_one_input)(const uint8_t *data, size_t size))
    __attribute__((weak));

static int replay(const char *path, FuzzDriverTestOneInput test_one_input) {
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        perror(path);
        return 1;
    }
    size_t capacity = 4096, size = 0;
    uint8_t *data = malloc(capacity);
    size_t got;
    while (data != NULL && (got = fread(data + size, 1, capacity - size, file)) > 0) {
        size += got;
        if (size == capacity) {
            capacity *= 2;
            uint8_t *grown = realloc(data, capacity);
            if (grown == NULL) free(data);
            data = grown;
        }
    }
    fclose(file);
    if (data == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 1;
    }
    // An exact-size copy, so that an overread is caught by AddressSanitizer if enabled.
    uint8_t *exact = malloc(size > 0 ? size : 1);
    for (size_t i = 0; i < size; i++) exact[i] = data[i];
    free(data);
    test_one_input(exact, size);
    free(exact);
    fprintf(stderr, "replayed %s (%zu bytes)\n", path, size);
    return 0;
}

int fuzz_trace_enabled(void) {
    static int cached = -1;
    if (cached < 0) {
        const char *value = getenv("FUZZ_TRACE");
        cached = value != NULL && value[0] != '\0' && !(value[0] == '0' && value[1] == '\0');
        // Line by line, so that the trace before a trap is not lost in a buffer.
        if (cached) setvbuf(stdout, NULL, _IOLBF, 0);
    }
    return cached;
}

int fuzz_check_known_issue(const char *name) {
    const char *value = getenv("FUZZ_KNOWN_ISSUES");
    if (value == NULL || value[0] == '\0') return 0;
    if (strcmp(value, "all") == 0) return 1;
    size_t length = strlen(name);
    for (const char *start = value; *start != '\0';) {
        const char *end = strchr(start, ',');
        size_t item = end != NULL ? (size_t)(end - start) : strlen(start);
        if (item == length && strncmp(start, name, length) == 0) return 1;
        if (end == NULL) break;
        start = end + 1;
    }
    return 0;
}

int fuzz_driver_main(int argc, char **argv, FuzzDriverTestOneInput test_one_input) {
    if (LLVMFuzzerRunDriver != NULL) return LLVMFuzzerRunDriver(&argc, &argv, test_one_input);
    if (argc < 2) {
        fprintf(stderr,
                "%s was built without libFuzzer. Build it with\n"
                "  swift build -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address\n"
                "(see Fuzz/README.md), or pass input files to replay them once each.\n",
                argv[0]);
        return 2;
    }
    int failures = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-') continue;  // libFuzzer-style flags mean nothing here
        failures += replay(argv[i], test_one_input);
    }
    return failures == 0 ? 0 : 1;
}
