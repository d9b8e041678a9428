#!/usr/bin/env bash
# HTTP2Server throughput against nghttpd (issue 5): h2load on one core, the server on the
# other, a 5-byte file from --docroot, cleartext h2 (prior knowledge) and TLS, alternating
# rounds (ours, nghttpd, ours, nghttpd, ...) in one sitting so that load from other work on
# the machine hits both servers alike.
#
#   bash Benchmarks/h2load.sh
#
# Environment:
#   ROUNDS=3            rounds per server, shape and transport
#   DURATION=5          seconds of each h2load run (h2load -D)
#   SHAPES="8x32 64x1 1x100"   h2load shapes, connections x streams per connection (-c x -m)
#   TRANSPORTS="h2c tls"
#   SCRATCH=.build-server      swift build --scratch-path for the release build of h2-server
#   H2_SERVER=path             use this h2-server binary instead of building one
#   SERVER_CPU=0 CLIENT_CPU=1  the cores for taskset
#   OUT=dir             keep raw h2load output and results.tsv here (default: a temp folder)
#
# Needs nghttpd (apt install nghttp2-server), h2load (apt install nghttp2-client), taskset
# (util-linux), openssl and python3. Every run must report 0 failed / errored / timed-out
# requests, all 2xx, h2 (or h2c) negotiated and exactly 5 octets of body per request, or the
# script stops.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5}"
SHAPES="${SHAPES:-8x32 64x1 1x100}"
TRANSPORTS="${TRANSPORTS:-h2c tls}"
SCRATCH="${SCRATCH:-.build-server}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
NGHTTPD="${NGHTTPD:-/usr/sbin/nghttpd}"
H2LOAD="${H2LOAD:-/usr/bin/h2load}"
BODY="hello"   # 5 octets

die() { echo "h2load.sh: $*" >&2; exit 1; }

if [ ! -x "$NGHTTPD" ]; then
    NGHTTPD="$(command -v nghttpd || true)"
    [ -n "$NGHTTPD" ] || die "nghttpd not found: sudo apt-get install nghttp2-server"
fi
if [ ! -x "$H2LOAD" ]; then
    H2LOAD="$(command -v h2load || true)"
    [ -n "$H2LOAD" ] || die "h2load not found: sudo apt-get install nghttp2-client"
fi
command -v taskset >/dev/null || die "taskset not found: sudo apt-get install util-linux"
command -v openssl >/dev/null || die "openssl not found: sudo apt-get install openssl"
command -v python3 >/dev/null || die "python3 not found: sudo apt-get install python3"
[ "$(nproc)" -ge 2 ] || echo "h2load.sh: warning: fewer than 2 cores; server and h2load share one" >&2

if [ -z "${H2_SERVER:-}" ]; then
    echo "building h2-server (release, --scratch-path $SCRATCH)..." >&2
    (cd "$ROOT" && swift build --scratch-path "$SCRATCH" -c release --product h2-server >&2)
    H2_SERVER="$(cd "$ROOT" && swift build --scratch-path "$SCRATCH" -c release --show-bin-path)/h2-server"
fi
[ -x "$H2_SERVER" ] || die "no h2-server binary at $H2_SERVER"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/h2load-bench.XXXXXX")"
OUT="${OUT:-$WORK/out}"
mkdir -p "$OUT" "$WORK/docroot"
printf '%s' "$BODY" > "$WORK/docroot/hello.txt"
[ "$(stat -c %s "$WORK/docroot/hello.txt")" = 5 ] || die "docroot file is not 5 octets"

# One certificate for both servers (same key type, same crypto).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null || die "openssl could not make a certificate"

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK/docroot" "$WORK/key.pem" "$WORK/cert.pem"
    rmdir "$WORK" 2>/dev/null || true   # gone unless it holds OUT
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_port() {  # port pid
    local i
    for i in $(seq 1 200); do
        kill -0 "$2" 2>/dev/null || return 1
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    return 1
}

cpu_ticks() {  # utime + stime of a process, in clock ticks (proc(5): fields 14 and 15)
    local stat
    stat="$(cat "/proc/$1/stat")"
    stat="${stat##*) }"   # the command name may contain spaces
    awk '{ print $12 + $13 }' <<<"$stat"
}

status_kib() {  # VmRSS or VmHWM of a process, in KiB
    awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"
}

CLK_TCK="$(getconf CLK_TCK)"
RESULTS="$OUT/results.tsv"
printf 'transport\tshape\tround\tserver\treq_s\tdone\tcpu_us_per_req\n' > "$RESULTS"
MEMORY="$OUT/memory.tsv"
printf 'transport\tserver\tidle_rss_kib\tidle_anon_kib\tpeak_rss_kib\n' > "$MEMORY"
LOADS="$OUT/load.txt"
: > "$LOADS"

# Runs h2load against one server and checks what it reports.
run_h2load() {  # transport shape round server port pid
    local transport="$1" shape="$2" round="$3" server="$4" port="$5" pid="$6"
    local connections="${shape%x*}" streams="${shape#*x}"
    local scheme=http; [ "$transport" = tls ] && scheme=https
    local log="$OUT/$transport-$shape-$round-$server.txt"
    local before after
    before="$(cpu_ticks "$pid")"
    taskset -c "$CLIENT_CPU" "$H2LOAD" -c "$connections" -m "$streams" -t 1 -D "$DURATION" \
        "$scheme://127.0.0.1:$port/hello.txt" > "$log" 2>&1 || die "h2load failed against $server: $log"
    after="$(cpu_ticks "$pid")"
    python3 - "$log" "$transport" "$shape" "$round" "$server" "$before" "$after" "$CLK_TCK" "${#BODY}" >> "$RESULTS" <<'EOF'
import re, sys
log, transport, shape, rnd, server, before, after, tck, size = sys.argv[1:]
text = open(log).read()
def need(pattern):
    m = re.search(pattern, text, re.M)
    if not m:
        sys.exit(f"h2load.sh: {server}: no '{pattern}' in {log}")
    return m
rate = float(need(r"^finished in [\d.]+m?s, ([\d.]+) req/s").group(1))
m = need(r"^requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout")
total, started, done, ok, failed, errored, timeout = map(int, m.groups())
two, three, four, five = map(int, need(r"^status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx").groups())
data = int(need(r"^traffic: .*\((\d+)\) data").group(1))
proto = need(r"^Application protocol: (\S+)").group(1)
want = "h2" if transport == "tls" else "h2c"
problems = []
if proto != want: problems.append(f"protocol {proto}, not {want}")
if failed or errored or timeout: problems.append(f"{failed} failed, {errored} errored, {timeout} timeout")
# With -D, responses that arrive after the end are counted in status codes, not in done.
if done == 0 or ok != done or two < done or three or four or five:
    problems.append(f"{done} done, {ok} succeeded, status {two} 2xx {three} 3xx {four} 4xx {five} 5xx")
if not done * int(size) <= data <= two * int(size):
    problems.append(f"{data} octets of body for {done} requests (want {size} each)")
if problems:
    sys.exit(f"h2load.sh: {server} {transport} {shape} round {rnd}: " + "; ".join(problems) + f" ({log})")
cpu = (int(after) - int(before)) / int(tck) * 1e6 / done
print(f"{transport}\t{shape}\t{rnd}\t{server}\t{rate:.0f}\t{done}\t{cpu:.2f}")
EOF
    tail -n 1 "$RESULTS" | awk -F'\t' '{ printf "  %-4s %-6s round %s %-8s %9s req/s  %6s us CPU/request\n", $1, $2, $3, $4, $5, $7 }' >&2
}

echo "load before: $(uptime)" | tee -a "$LOADS" >&2
for transport in $TRANSPORTS; do
    ours_port="$(free_port)"
    theirs_port="$(free_port)"
    [ "$ours_port" != "$theirs_port" ] || theirs_port=$((ours_port + 1))
    if [ "$transport" = tls ]; then
        taskset -c "$SERVER_CPU" "$H2_SERVER" --host 127.0.0.1 --port "$ours_port" --docroot "$WORK/docroot" \
            --threads 1 --cert "$WORK/cert.pem" --key "$WORK/key.pem" --log-level warning \
            > "$OUT/h2-server-$transport.log" 2>&1 &
        ours_pid=$!
        taskset -c "$SERVER_CPU" "$NGHTTPD" -a 127.0.0.1 -d "$WORK/docroot" "$theirs_port" \
            "$WORK/key.pem" "$WORK/cert.pem" > "$OUT/nghttpd-$transport.log" 2>&1 &
        theirs_pid=$!
    else
        taskset -c "$SERVER_CPU" "$H2_SERVER" --host 127.0.0.1 --port "$ours_port" --docroot "$WORK/docroot" \
            --threads 1 --plaintext --log-level warning > "$OUT/h2-server-$transport.log" 2>&1 &
        ours_pid=$!
        taskset -c "$SERVER_CPU" "$NGHTTPD" -a 127.0.0.1 --no-tls -d "$WORK/docroot" "$theirs_port" \
            > "$OUT/nghttpd-$transport.log" 2>&1 &
        theirs_pid=$!
    fi
    PIDS+=("$ours_pid" "$theirs_pid")
    wait_port "$ours_port" "$ours_pid" || die "h2-server did not start ($OUT/h2-server-$transport.log)"
    wait_port "$theirs_port" "$theirs_pid" || die "nghttpd did not start ($OUT/nghttpd-$transport.log)"
    sleep 0.2
    ours_idle="$(status_kib "$ours_pid" VmRSS)"
    theirs_idle="$(status_kib "$theirs_pid" VmRSS)"
    ours_anon="$(status_kib "$ours_pid" RssAnon)"
    theirs_anon="$(status_kib "$theirs_pid" RssAnon)"
    echo "$transport: h2-server pid $ours_pid port $ours_port, nghttpd pid $theirs_pid port $theirs_port" >&2
    # A short warm-up of each (not counted).
    scheme=http; [ "$transport" = tls ] && scheme=https
    for port in "$ours_port" "$theirs_port"; do
        taskset -c "$CLIENT_CPU" "$H2LOAD" -c 8 -m 32 -t 1 -n 20000 "$scheme://127.0.0.1:$port/hello.txt" \
            > "$OUT/warmup-$transport-$port.txt" 2>&1 || die "warm-up failed ($OUT/warmup-$transport-$port.txt)"
    done
    for shape in $SHAPES; do
        for round in $(seq 1 "$ROUNDS"); do
            run_h2load "$transport" "$shape" "$round" ours "$ours_port" "$ours_pid"
            run_h2load "$transport" "$shape" "$round" nghttpd "$theirs_port" "$theirs_pid"
        done
        echo "load after $transport $shape: $(uptime)" | tee -a "$LOADS" >&2
    done
    printf '%s\tours\t%s\t%s\t%s\n' "$transport" "$ours_idle" "$ours_anon" "$(status_kib "$ours_pid" VmHWM)" >> "$MEMORY"
    printf '%s\tnghttpd\t%s\t%s\t%s\n' "$transport" "$theirs_idle" "$theirs_anon" "$(status_kib "$theirs_pid" VmHWM)" >> "$MEMORY"
    kill "$ours_pid" "$theirs_pid" 2>/dev/null || true
    wait "$ours_pid" 2>/dev/null || true
    wait "$theirs_pid" 2>/dev/null || true
    PIDS=()
done

python3 - "$RESULTS" "$MEMORY" "$LOADS" <<'EOF'
import csv, statistics, sys
results, memory, loads = sys.argv[1:]
rows = list(csv.DictReader(open(results), delimiter="\t"))
print()
print("| transport | h2load shape | server | req/s per round | median req/s | CPU us/request (median) | ours/nghttpd |")
print("|---|---|---|---|---:|---:|---:|")
seen = []
for r in rows:
    key = (r["transport"], r["shape"])
    if key not in seen: seen.append(key)
for transport, shape in seen:
    c, m = shape.split("x")
    medians = {}
    for server in ("ours", "nghttpd"):
        sel = [r for r in rows if r["transport"] == transport and r["shape"] == shape and r["server"] == server]
        rates = [float(r["req_s"]) for r in sel]
        cpus = [float(r["cpu_us_per_req"]) for r in sel]
        medians[server] = (statistics.median(rates), statistics.median(cpus), rates)
    ratio = medians["ours"][0] / medians["nghttpd"][0]
    for server in ("ours", "nghttpd"):
        med, cpu, rates = medians[server]
        name = "h2-server" if server == "ours" else "nghttpd"
        per = ", ".join(f"{x / 1000:.1f} k" for x in rates)
        last = f"**{ratio:.2f}**" if server == "ours" else ""
        print(f"| {transport} | -c {c} -m {m} | {name} | {per} | {med / 1000:.1f} k | {cpu:.2f} | {last} |")
print()
print("| transport | server | idle RSS | of which anonymous | peak RSS (VmHWM) |")
print("|---|---|---:|---:|---:|")
for r in csv.DictReader(open(memory), delimiter="\t"):
    name = "h2-server" if r["server"] == "ours" else "nghttpd"
    mib = lambda key: f"{int(r[key]) / 1024:.1f} MiB"
    print(f"| {r['transport']} | {name} | {mib('idle_rss_kib')} | {mib('idle_anon_kib')} | {mib('peak_rss_kib')} |")
print()
for line in open(loads):
    print("    " + line.rstrip())
EOF
echo "raw h2load output and results.tsv: $OUT" >&2
