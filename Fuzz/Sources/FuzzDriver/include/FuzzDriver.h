// The entry point of a fuzz target when SwiftPM names the program's `main` itself.
//
// `swift build --sanitize=fuzzer` (what Fuzz/run.sh uses) links libFuzzer's own `main`,
// and nothing here runs. `swift build -Xswiftc -sanitize=fuzzer` instead makes SwiftPM
// link `main` to the symbol `<module>_main` of each executable target; every fuzz target
// defines that symbol and calls `fuzz_driver_main`, which starts libFuzzer through
// `LLVMFuzzerRunDriver`. Built with no fuzzer runtime at all (plain `swift build`), the
// same binary replays the input files named on its command line.
#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

typedef int (*FuzzDriverTestOneInput)(const uint8_t *data, size_t size);

int fuzz_driver_main(int argc, char **argv, FuzzDriverTestOneInput test_one_input);

/// Non-zero when the environment variable FUZZ_TRACE is set (to anything but "0"): the
/// targets then print what they do with an input, block by block. For reproducers only.
int fuzz_trace_enabled(void);

/// Non-zero when the check that the open finding `name` (Fuzz/Regressions/README.md) is
/// known to break should run: when the environment variable FUZZ_KNOWN_ISSUES is "all",
/// or a comma-separated list of names that holds `name`. Off by default, so that fuzzing
/// goes on past a known bug instead of finding it again; on, to see whether a reproducer
/// still reproduces.
int fuzz_check_known_issue(const char *name);

#endif
