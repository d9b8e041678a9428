#!/usr/bin/env bash
# Runs every test of the project, after installing what the tests need.
#   bash Scripts/test.sh            everything (about 5 minutes on 2 cores)
#   FUZZ_SECONDS=0 bash Scripts/test.sh   skip the fuzz smoke run
#   SANITIZERS=0 bash Scripts/test.sh     skip the ASan/TSan runs (about 8 CPU-minutes); address|thread runs one
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# --- What the tests need --------------------------------------------------------------
# Python's hpack and hyperframe are independent implementations our vectors and
# interop tests compare against.
PY_PACKAGES=(hpack==4.2.0 hyperframe==6.1.0 h2==4.4.1)
python_ok() { python3 -c 'import hpack, hyperframe, h2' 2>/dev/null; }
if ! command -v python3 >/dev/null; then
    if [ "$(id -u)" = 0 ]; then
        step "installing python3 (apt)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-pip >/dev/null
    else
        echo "test.sh: python3 is missing; install it (sudo apt-get install python3 python3-pip) and rerun" >&2
        exit 1
    fi
fi
# HTTP2Server links the system's OpenSSL (libssl-dev); its interop tests drive it with
# curl, nghttp/h2load (nghttp2-client) and Python's httpx (HTTP/2 through h2).
APT_NEEDED=()
pkg-config --exists openssl 2>/dev/null || APT_NEEDED+=(libssl-dev pkg-config)
command -v curl >/dev/null || APT_NEEDED+=(curl)
command -v openssl >/dev/null || APT_NEEDED+=(openssl)   # RSA certificate for the §9.2.2 test
{ command -v nghttp >/dev/null && command -v h2load >/dev/null; } || APT_NEEDED+=(nghttp2-client)
if [ ${#APT_NEEDED[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
        step "installing ${APT_NEEDED[*]} (apt)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${APT_NEEDED[@]}" >/dev/null
    elif ! pkg-config --exists openssl 2>/dev/null; then
        echo "test.sh: libssl-dev is missing; install it (sudo apt-get install libssl-dev) and rerun" >&2
        exit 1
    else
        echo "test.sh: ${APT_NEEDED[*]} missing; the interop tests that need them are skipped" >&2
    fi
fi
PY_PACKAGES+=("httpx[http2]==0.28.1")
python_ok() { python3 -c 'import hpack, hyperframe, h2, httpx' 2>/dev/null; }
if ! python_ok; then
    step "installing ${PY_PACKAGES[*]} (pip)"
    python3 -m pip install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}" \
        || python3 -m pip install --quiet --disable-pip-version-check --user "${PY_PACKAGES[@]}" \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${PY_PACKAGES[@]}" \
        || { echo "test.sh: cannot install ${PY_PACKAGES[*]} with pip; install them and rerun" >&2; exit 1; }
    python_ok || { echo "test.sh: python3 still cannot import hpack, hyperframe, h2 and httpx" >&2; exit 1; }
fi
# The sse-server browser test drives headless Chromium (apt: chromium, chromium-driver)
# through Selenium (pip).
BROWSER_OK=1
if ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
    if [ "$(id -u)" = 0 ]; then
        step "installing chromium chromium-driver (apt)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
    else
        echo "test.sh: chromium and chromedriver are missing (sudo apt-get install chromium chromium-driver); the browser test is skipped" >&2
        BROWSER_OK=0
    fi
fi
SELENIUM=selenium==4.51.0
if [ "$BROWSER_OK" = 1 ] && ! python3 -c 'import selenium' 2>/dev/null; then
    step "installing $SELENIUM (pip)"
    python3 -m pip install --quiet --disable-pip-version-check "$SELENIUM" \
        || python3 -m pip install --quiet --disable-pip-version-check --user "$SELENIUM" \
        || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$SELENIUM" \
        || { echo "test.sh: cannot install $SELENIUM with pip; install it and rerun" >&2; exit 1; }
fi

# --- Build and unit tests -------------------------------------------------------------
# The sanitizer builds (Scripts/sanitizers.sh) start now, next to ours: each debug build
# keeps about one core busy, so they mostly fill idle cores. The tests wait for them later.
# Each runs in its own session (setsid: a process group led by the PID we keep), so an
# early exit stops the whole group, the `swift build` children included.
SANITIZER_BUILD_LOG=$(mktemp)
SANITIZER_BUILD_PID=
if [ "${SANITIZERS:-address,thread}" != 0 ]; then
    step "sanitizer builds started in the background (log: $SANITIZER_BUILD_LOG)"
    setsid bash Scripts/sanitizers.sh --build-only > "$SANITIZER_BUILD_LOG" 2>&1 &
    SANITIZER_BUILD_PID=$!
fi
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
FUZZ_BUILD_LOG=$(mktemp)
FUZZ_BUILD_PID=
if [ "$FUZZ_SECONDS" != 0 ] && [ -f Fuzz/run.sh ]; then
    step "fuzz target builds started in the background (log: $FUZZ_BUILD_LOG)"
    FUZZ_BUILD_ONLY=1 setsid bash Fuzz/run.sh > "$FUZZ_BUILD_LOG" 2>&1 &
    FUZZ_BUILD_PID=$!
fi
stop_background_builds() {
    local pid
    for pid in $SANITIZER_BUILD_PID $FUZZ_BUILD_PID; do
        kill -- "-$pid" 2>/dev/null || true
    done
}
trap stop_background_builds EXIT
step "swift build"
swift build --build-tests
if [ -n "$FUZZ_BUILD_PID" ]; then
    step "waiting for the fuzz target builds"
    wait "$FUZZ_BUILD_PID" || { cat "$FUZZ_BUILD_LOG" >&2; echo "test.sh: a fuzz target build failed" >&2; exit 1; }
    FUZZ_BUILD_PID=
    tail -n 1 "$FUZZ_BUILD_LOG"
fi
if [ -n "$SANITIZER_BUILD_PID" ]; then
    # The tests below measure time (timeouts, a browser): they run once no build competes.
    step "waiting for the sanitizer builds"
    if ! wait "$SANITIZER_BUILD_PID"; then
        cat "$SANITIZER_BUILD_LOG" >&2
        echo "test.sh: a sanitizer build failed" >&2
        exit 1
    fi
    SANITIZER_BUILD_PID=
    grep -E '^(address|thread|builds)' "$SANITIZER_BUILD_LOG" || true
fi
step "swift test"
swift test --skip-build

# --- Interop with Python's h2 (our engine over stdin/stdout, both roles) ----------------
step "interop: Python h2 against h2-peer"
H2_PEER="$(swift build --show-bin-path)/h2-peer" python3 -m unittest discover -s Tests/Interop

# --- HTTP2Server against real clients (curl, nghttp, h2load, httpx) ---------------------
step "interop: h2-server against curl, nghttp, h2load and httpx"
H2_SERVER="$(swift build --show-bin-path)/h2-server" python3 -m unittest discover -s Tests/ServerInterop

# --- The engine issue's abuse scenarios against h2-server, over sockets (issue 7) -------
step "abuse: h2-server under rapid reset, MadeYouReset, floods, bombs, slow and idle peers"
H2_SERVER="$(swift build --show-bin-path)/h2-server" python3 -m unittest discover -s Tests/Abuse

# --- sse-server in a real browser (headless Chromium): 100 streams on one h2 connection,
#     the 6-connection wall over HTTP/1.1, SETTINGS_MAX_CONCURRENT_STREAMS 6 over h2 -------
if [ "$BROWSER_OK" = 1 ]; then
    step "browser: sse-server dashboard in headless Chromium"
    SSE_SERVER="$(swift build --show-bin-path)/sse-server" python3 -m unittest discover -s Tests/Browser
fi

# --- Sanitizers: engine and server tests, and h2-server under the interop tests, with
#     ASan (+LeakSanitizer) then TSan (issue 7); SANITIZERS=0 skips, address|thread runs one
step "sanitizers (Scripts/sanitizers.sh)"
bash Scripts/sanitizers.sh

# --- Vectors --------------------------------------------------------------------------
step "h2-vectors hpack Vectors/hpack"
swift run --skip-build h2-vectors hpack Vectors/hpack | tail -n 6
if [ -d Vectors/frames ]; then
    step "h2-vectors frames Vectors/frames"
    swift run --skip-build h2-vectors frames Vectors/frames | tail -n 3
fi
if [ -d Vectors/conformance ]; then
    step "h2-vectors conformance Vectors/conformance"
    swift run --skip-build h2-vectors conformance Vectors/conformance | tail -n 2
fi

# --- SPEC-NOTES covers every requirement of the RFCs (skipped without ../shared/spec) ---
step "SPEC-NOTES.md against the RFC texts"
python3 Scripts/spec_requirements.py --check SPEC-NOTES.md SPEC-NOTES-server.md

# --- Fuzz smoke run -------------------------------------------------------------------
if [ "$FUZZ_SECONDS" != 0 ] && [ -f Fuzz/run.sh ]; then
    step "fuzz smoke run (${FUZZ_SECONDS}s per target)"
    bash Fuzz/run.sh "$FUZZ_SECONDS"
fi

step "all tests passed"
