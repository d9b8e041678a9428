#!/usr/bin/env bash
# Builds and runs the engine and server tests (HPACKTests, HTTP2Tests, HTTP2ServerTests,
# SSEServerTests) under AddressSanitizer (with LeakSanitizer) and then ThreadSanitizer, then
# the sanitized h2-server under the interop tests (Tests/ServerInterop). Any sanitizer
# report, in the test process or in a program it starts (h2-vectors, h2-server), fails the run.
#
#   bash Scripts/sanitizers.sh                    ASan, then TSan
#   bash Scripts/sanitizers.sh address            ASan only (also: thread)
#   SANITIZERS=thread bash Scripts/sanitizers.sh  the same through the environment
#   SANITIZERS=0 bash Scripts/sanitizers.sh       skips both (what Scripts/test.sh can pass on)
#   SANITIZER_CONFIG=release bash Scripts/sanitizers.sh   -c release instead of debug
#   bash Scripts/sanitizers.sh --build-only       only the builds (Scripts/test.sh starts them
#                                                 early, next to its own build; the later run
#                                                 finds them done)
#
# The selected sanitizers' builds run at the same time: a debug build of this package and
# its dependencies keeps about one core busy (module after module), so two of them take
# little longer than one on a 2-core machine.
#
# Each sanitizer has its own scratch path (.build-asan, .build-tsan): the two runtimes
# cannot be mixed, and neither build disturbs the default .build.
#
# The engine tests and the server tests run in two processes. In one process, the CPU-bound
# engine tests (several times slower under a sanitizer) hold the cooperative pool, which has
# one thread per core, for tens of seconds, and the server tests, whose handlers run on that
# pool, time out waiting for them: a measure of the machine, not a finding.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_ONLY=0
if [ "${1:-}" = --build-only ]; then BUILD_ONLY=1; shift; fi
SELECTED=${1:-${SANITIZERS:-address,thread}}
CONFIG=${SANITIZER_CONFIG:-debug}
ENGINE_TESTS='^(HPACKTests|HTTP2Tests)\.'
SERVER_TESTS='^(HTTP2ServerTests|SSEServerTests)\.'

case "$SELECTED" in
    0|none|off) echo "sanitizers.sh: skipped (SANITIZERS=$SELECTED)"; exit 0 ;;
esac

step() { printf '\n== %s\n' "$*"; }
TIMES=()
TIMES_FILE=$(mktemp)
CPU=0
cpu_seconds() {  # sets CPU to the user + system seconds of this shell's finished children
    times > "$TIMES_FILE"  # not in a subshell: `times` there would count the subshell's
    CPU=$(awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$TIMES_FILE")
}
timed() {  # timed LABEL command...: runs the command, records its wall-clock and CPU time
    local label=$1; shift
    local start=$SECONDS cpu status=0
    cpu_seconds; cpu=$CPU
    "$@" || status=$?
    cpu_seconds
    TIMES+=("$(printf '%-24s %5d s wall %7.1f s CPU' "$label" $((SECONDS - start)) \
        "$(awk -v a="$cpu" -v b="$CPU" 'BEGIN { print b - a }')")")
    return $status
}

# The linker warns about every ASan check stub it cannot export (hundreds of lines, harmless).
# -c release needs -enable-testing for the tests' @testable imports.
TESTING=()
[ "$CONFIG" = debug ] || TESTING=(-Xswiftc -enable-testing)
build() {  # build SCRATCH SANITIZER
    swift build --scratch-path "$1" -c "$CONFIG" --build-tests --sanitize="$2" ${TESTING[@]+"${TESTING[@]}"} 2>&1 \
        | { grep -v "ld.gold: warning: Cannot export local symbol '__asan" || true; }
}

# run_sanitizer NAME SCRATCH OPTIONS_VARIABLE OPTIONS
run_sanitizer() {
    local name=$1 scratch=$2 variable=$3 options=$4
    local reports="$scratch/sanitizer-reports"
    local suite status
    for suite in engine server interop; do
        rm -rf "$reports" && mkdir -p "$reports"
        # log_path: every report of the process and of its children lands in $reports.
        local settings="$variable=${!variable:+${!variable}:}$options:log_path=$PWD/$reports/$name"
        status=0
        case $suite in
        engine|server)
            local filter=$ENGINE_TESTS
            [ "$suite" = engine ] || filter=$SERVER_TESTS
            step "$name: $suite tests (--filter '$filter')"
            timed "$name $suite tests" env "$settings" \
                swift test --scratch-path "$scratch" -c "$CONFIG" --sanitize="$name" --skip-build \
                    --disable-xctest --filter "$filter" || status=$?
            ;;
        interop)
            # The sanitized h2-server against curl, nghttp, h2load and httpx (TLS through
            # OpenSSL, h2c, HTTP/1.1). No leak check here: those tests check h2-server's
            # exit status, and LeakSanitizer would change it to 23 for what is still
            # allocated when the process exits (its memory under load is the abuse suite's).
            if ! python3 -c 'import hpack, hyperframe, h2, httpx' 2>/dev/null; then
                echo "sanitizers.sh: Python's hpack, hyperframe, h2 or httpx is missing: interop skipped (Scripts/test.sh installs them)" >&2
                continue
            fi
            [ "$name" != address ] || settings="$settings:detect_leaks=0"
            step "$name: h2-server against curl, nghttp, h2load and httpx (Tests/ServerInterop)"
            timed "$name interop" env "$settings" H2_SERVER="$PWD/$scratch/$CONFIG/h2-server" \
                python3 -m unittest discover -s Tests/ServerInterop || status=$?
            ;;
        esac
        if compgen -G "$reports/*" >/dev/null; then
            echo "sanitizers.sh: $name reported a problem in the $suite tests:" >&2
            cat "$reports"/* >&2
            [ "$status" != 0 ] || status=1
        fi
        if [ "$status" != 0 ]; then
            echo "sanitizers.sh: $name $suite tests failed (exit status $status)" >&2
            return "$status"
        fi
    done
}

summary() {
    rm -f "$TIMES_FILE"
    [ ${#TIMES[@]} -gt 0 ] || return 0
    step "sanitizers.sh: time of each step (-c $CONFIG; CPU: user + system, all cores)"
    printf '%s\n' "${TIMES[@]}"
}
trap summary EXIT

# Build phase: every selected sanitizer's build at once, each logging to its scratch path.
NAMES=()
for sanitizer in ${SELECTED//,/ }; do
    case "$sanitizer" in
        address|asan) NAMES+=("address .build-asan") ;;
        thread|tsan) NAMES+=("thread .build-tsan") ;;
        *)
            echo "sanitizers.sh: unknown sanitizer '$sanitizer' (address, thread, or 0 to skip)" >&2
            exit 2
            ;;
    esac
done
build_all() {
    local entry name scratch pids=() failed=0 i=0
    for entry in "${NAMES[@]}"; do
        read -r name scratch <<<"$entry"
        mkdir -p "$scratch"
        step "$name: swift build --scratch-path $scratch -c $CONFIG --build-tests --sanitize=$name (log: $scratch/build.log)"
        build "$scratch" "$name" > "$scratch/build.log" 2>&1 &
        pids+=($!)
    done
    for entry in "${NAMES[@]}"; do
        read -r name scratch <<<"$entry"
        if wait "${pids[$i]}"; then
            tail -n 1 "$scratch/build.log"
        else
            echo "sanitizers.sh: the $name build failed; the end of $scratch/build.log:" >&2
            tail -n 40 "$scratch/build.log" >&2
            failed=1
        fi
        i=$((i + 1))
    done
    return $failed
}
timed "builds (${SELECTED//,/ + })" build_all
if [ "$BUILD_ONLY" = 1 ]; then
    exit 0
fi

for sanitizer in ${SELECTED//,/ }; do
    case "$sanitizer" in
        address|asan)
            # LeakSanitizer runs with ASan on Linux; Scripts/lsan-suppressions.txt says why
            # each of its entries is a false positive.
            export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$PWD/Scripts/lsan-suppressions.txt:print_suppressions=0"
            run_sanitizer address .build-asan ASAN_OPTIONS "halt_on_error=1:detect_leaks=1"
            ;;
        thread|tsan)
            run_sanitizer thread .build-tsan TSAN_OPTIONS "halt_on_error=1:second_deadlock_stack=1"
            ;;
        *)
            echo "sanitizers.sh: unknown sanitizer '$sanitizer' (address, thread, or 0 to skip)" >&2
            exit 2
            ;;
    esac
done
step "sanitizers.sh: no sanitizer report"
