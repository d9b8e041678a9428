#!/usr/bin/env python3
"""Scale benchmark of sse-server with an independent HTTP/2 client (Python's h2).

One h2 connection carries many concurrent SSE streams (/stream-ai). Measures:
  1. time to first event (TTFE) at 100 concurrent streams: from the moment the HEADERS
     of a batch of 100 requests are written to the socket to the first DATA of each stream
     (which carries the first event); median and p90 over several rounds;
  2. server memory per open stream: VmRSS of the server process (/proc/PID/status) before
     and after opening N streams (default 10,000), once every stream has delivered events;
  3. delivery: every stream keeps delivering events while all N are open; events per
     second and server CPU time per event over a hold period.

  python3 Benchmarks/sse_scale.py                        # builds sse-server in release mode
  python3 Benchmarks/sse_scale.py --server PATH --streams 10000 --interval 1000 --plaintext

The server runs with --max-concurrent-streams above N. Exit status 1 when a target is
missed (memory per stream <= 4 KiB, TTFE median <= 5 ms, every stream delivering).
"""
import argparse
import os
import re
import select
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

import h2.config
import h2.connection
import h2.events
import h2.settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_server():
    subprocess.run(["swift", "build", "-c", "release", "--product", "sse-server"], cwd=ROOT, check=True)
    bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.strip()
    return os.path.join(bin_dir, "sse-server")


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


class FastH2Connection(h2.connection.H2Connection):
    """h2 counts open streams by walking every stream on each new request, which makes
    opening 10,000 streams quadratic (tens of seconds in the client alone). The benchmark
    stays under the server's SETTINGS_MAX_CONCURRENT_STREAMS by itself."""

    @property
    def open_outbound_streams(self):
        return 0


class FrameScanner:
    """Follows frame boundaries in the received bytes (RFC 9113 §4.1) to time-stamp the
    first DATA frame of each stream when its bytes arrive, before h2 parses them."""

    def __init__(self):
        self.header = b""
        self.skip = 0
        self.preface_done = False

    def feed(self, data, on_data):
        view = memoryview(data)
        offset = 0
        while offset < len(view):
            if self.skip:
                step = min(self.skip, len(view) - offset)
                self.skip -= step
                offset += step
                continue
            need = 9 - len(self.header)
            self.header += bytes(view[offset:offset + need])
            offset += min(need, len(view) - offset)
            if len(self.header) == 9:
                length = int.from_bytes(self.header[0:3], "big")
                frame_type = self.header[3]
                stream = int.from_bytes(self.header[5:9], "big") & 0x7FFFFFFF
                if frame_type == 0 and length > 0:
                    on_data(stream)
                self.skip = length
                self.header = b""


class Client:
    """One h2 connection; tracks per-stream first-event times and event counts."""

    def __init__(self, port, tls):
        raw = socket.create_connection(("127.0.0.1", port))
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            context.set_alpn_protocols(["h2"])
            self.sock = context.wrap_socket(raw, server_hostname="localhost")
            if self.sock.selected_alpn_protocol() != "h2":
                raise RuntimeError(f"ALPN chose {self.sock.selected_alpn_protocol()!r}, not h2")
        else:
            self.sock = raw
        self.conn = FastH2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.local_settings = h2.settings.Settings(client=True, initial_values={
            h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 1 << 20,
            h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 100,
            h2.settings.SettingCodes.ENABLE_PUSH: 0,
        })
        self.conn.initiate_connection()
        self.conn.increment_flow_control_window((1 << 31) - 1 - 65535)
        self.flush()
        self.sent_at = {}         # stream id -> time its HEADERS were written
        self.first_event = {}     # stream id -> time of its first DATA
        self.events = {}          # stream id -> events received ("\n\n" block ends seen, data events only)
        self.bodies = {}          # stream id -> bytes (only for streams we keep the body of)
        self.ended = set()
        self.reset = set()
        self.status = {}
        self.max_concurrent = None
        self.scanner = FrameScanner()
        self.deferred = []        # received chunks not yet given to h2 (while timing)
        self.arrived = {}         # stream id -> time its first DATA octets were read

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.sock.sendall(data)

    def request(self, path, keep_body=False):
        stream = self.conn.get_next_available_stream_id()
        self.conn.send_headers(stream, [(":method", "GET"), (":scheme", "https"), (":authority", "localhost"),
                                        (":path", path), ("accept", "text/event-stream")], end_stream=True)
        self.events[stream] = 0
        if keep_body:
            self.bodies[stream] = b""
        return stream

    def pump(self, timeout, defer=False):
        """Reads what is there (waiting up to `timeout` for the first bytes); returns False on
        EOF. With `defer`, the bytes are only scanned for DATA frames (time-stamped as they
        are read) and handed to h2 later, so h2's parsing time does not delay the reads."""
        readable = self.sock.pending() if isinstance(self.sock, ssl.SSLSocket) else 0
        if not readable:
            ready, _, _ = select.select([self.sock], [], [], timeout)
            if not ready:
                return True
        self.sock.setblocking(False)
        try:
            while True:
                try:
                    data = self.sock.recv(1 << 20)
                except (ssl.SSLWantReadError, BlockingIOError):
                    break
                if not data:
                    return False
                now = time.perf_counter()
                self.scanner.feed(data, lambda stream: self.arrived.setdefault(stream, now))
                if defer:
                    self.deferred.append(data)
                    continue
                self.process_deferred(now)
                for event in self.conn.receive_data(data):
                    self.handle(event, now)
                if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
                    continue
        finally:
            self.sock.setblocking(True)
        self.flush()
        return True

    def process_deferred(self, now):
        chunks, self.deferred = self.deferred, []
        for data in chunks:
            for event in self.conn.receive_data(data):
                self.handle(event, now)

    def handle(self, event, now):
        if isinstance(event, h2.events.DataReceived):
            stream = event.stream_id
            if stream not in self.first_event:
                self.first_event[stream] = now
            self.events[stream] = self.events.get(stream, 0) + event.data.count(b"\ndata: ")
            if stream in self.bodies:
                self.bodies[stream] += event.data
            self.conn.acknowledge_received_data(event.flow_controlled_length, stream)
        elif isinstance(event, h2.events.ResponseReceived):
            self.status[event.stream_id] = dict(event.headers).get(":status")
        elif isinstance(event, h2.events.StreamEnded):
            self.ended.add(event.stream_id)
        elif isinstance(event, h2.events.StreamReset):
            self.reset.add(event.stream_id)
        elif isinstance(event, h2.events.RemoteSettingsChanged):
            changed = event.changed_settings.get(h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS)
            if changed:
                self.max_concurrent = changed.new_value
        elif isinstance(event, h2.events.ConnectionTerminated):
            raise RuntimeError(f"server sent GOAWAY: {event.error_code} {event.additional_data!r}")

    def run_until(self, condition, timeout, what):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out waiting for {what}")
            if not self.pump(0.05):
                raise RuntimeError("connection closed by the server")

    def cancel(self, streams):
        for stream in streams:
            self.conn.reset_stream(stream, error_code=8)  # CANCEL
        self.flush()

    def fetch(self, path, timeout=10):
        stream = self.request(path, keep_body=True)
        self.flush()
        self.run_until(lambda: stream in self.ended, timeout, path)
        return self.bodies.pop(stream).decode()


def start_server(binary, args):
    cache = tempfile.mkdtemp(prefix="sse-bench-cert-")
    command = [binary, "--host", "127.0.0.1", "--port", "0", "--log-level", "warning",
               "--max-concurrent-streams", str(args.streams + 200)]
    if args.plaintext:
        command.append("--plaintext")
    if args.threads:
        command += ["--threads", str(args.threads)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=sys.stderr,
                               env=dict(os.environ, XDG_CACHE_HOME=cache))
    deadline = time.monotonic() + 60
    while True:
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError("sse-server did not start")
        line = process.stdout.readline().decode()
        match = re.search(r"listening on https?://127\.0\.0\.1:(\d+)/", line)
        if match:
            return process, int(match.group(1))


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", help="sse-server binary (default: build the release one)")
    parser.add_argument("--streams", type=int, default=10_000, help="concurrent streams on one connection")
    parser.add_argument("--interval", type=int, default=1000, help="ms between tokens of each stream (scale phase)")
    parser.add_argument("--ttfe-streams", type=int, default=100)
    parser.add_argument("--ttfe-rounds", type=int, default=10)
    parser.add_argument("--hold", type=float, default=10, help="seconds to keep all streams open and count events")
    parser.add_argument("--batch", type=int, default=250, help="requests per socket write when opening streams")
    parser.add_argument("--threads", type=int, help="--threads of the server")
    parser.add_argument("--plaintext", action="store_true", help="h2 with prior knowledge instead of TLS")
    args = parser.parse_args()

    binary = args.server or build_server()
    process, port = start_server(binary, args)
    failures = []
    try:
        client = Client(port, tls=not args.plaintext)
        client.run_until(lambda: client.max_concurrent is not None, 10, "the server's SETTINGS")
        print(f"sse-server pid {process.pid}, port {port}, {'cleartext h2' if args.plaintext else 'h2 over TLS'}, "
              f"SETTINGS_MAX_CONCURRENT_STREAMS {client.max_concurrent}")

        # 1. Time to first event at 100 concurrent streams (the streams use a long interval,
        #    so the only events are the first ones).
        samples = []
        for round_number in range(args.ttfe_rounds):
            streams = [client.request(f"/stream-ai?id=t{round_number}-{i}&interval=60000")
                       for i in range(args.ttfe_streams)]
            data = client.conn.data_to_send()
            start = time.perf_counter()
            client.sock.sendall(data)
            deadline = time.monotonic() + 10
            while not all(s in client.arrived for s in streams):
                if time.monotonic() > deadline:
                    raise RuntimeError("timed out waiting for first events")
                if not client.pump(0.05, defer=True):
                    raise RuntimeError("connection closed by the server")
            client.process_deferred(time.perf_counter())
            client.flush()
            samples += [(client.arrived[s] - start) * 1000 for s in streams]
            client.cancel(streams)
            client.run_until(lambda: True, 1, "")
            time.sleep(0.2)
            client.pump(0.05)
        ttfe_median = statistics.median(samples)
        print(f"TTFE at {args.ttfe_streams} streams, {args.ttfe_rounds} rounds: median {ttfe_median:.2f} ms, "
              f"p90 {percentile(samples, 0.9):.2f} ms, min {min(samples):.2f} ms, max {max(samples):.2f} ms")
        if ttfe_median > 5:
            failures.append(f"TTFE median {ttfe_median:.2f} ms > 5 ms")
        histogram = client.fetch("/metrics")
        buckets = dict(re.findall(r'^sse_first_event_seconds_bucket\{le="([^"]+)"\} (\S+)$', histogram, re.M))
        print("  server side (request handled -> first event written), cumulative: " +
              ", ".join(f"<= {bound} s: {int(float(count))}" for bound, count in buckets.items()))

        # 2. Memory per open stream.
        time.sleep(1)
        client.pump(0.1)
        rss_before = rss_bytes(process.pid)
        cpu_open = cpu_seconds(process.pid)
        opened_at = time.perf_counter()
        streams = []
        for i in range(args.streams):
            streams.append(client.request(f"/stream-ai?id=s{i}&interval={args.interval}"))
            if len(streams) % args.batch == 0:
                client.flush()
                client.pump(0)
        client.flush()
        written = time.perf_counter() - opened_at
        client.run_until(lambda: len(client.first_event) >= len(samples) + len(streams)
                         and all(s in client.first_event for s in streams),
                         120, f"a first event on all {args.streams} streams")
        all_first = time.perf_counter() - opened_at
        cpu_open = cpu_seconds(process.pid) - cpu_open
        refused = [s for s in streams if s in client.reset or client.status.get(s) not in (None, "200")]
        # Every stream delivers more than its first event.
        client.run_until(lambda: all(client.events[s] >= 2 for s in streams), 30 + 3 * args.interval / 1000,
                         "a second event on every stream")
        rss_after = rss_bytes(process.pid)
        per_stream = (rss_after - rss_before) / args.streams
        print(f"{args.streams} streams on one connection: all delivered their first event {all_first:.2f} s after "
              f"the first request (requests written in {written:.2f} s; server CPU {cpu_open:.2f} s); "
              f"refused or reset: {len(refused)}")
        print(f"server RSS {rss_before / 1048576:.1f} MiB -> {rss_after / 1048576:.1f} MiB: "
              f"{per_stream:.0f} octets ({per_stream / 1024:.2f} KiB) per open stream")
        if refused:
            failures.append(f"{len(refused)} streams refused or reset")
        if per_stream > 4096:
            failures.append(f"{per_stream:.0f} octets per stream > 4 KiB")

        metrics = client.fetch("/metrics")
        open_streams = int(float(re.search(r'^sse_streams_open\{protocol="h2"\} (\S+)$', metrics, re.M).group(1)))
        connections = int(float(re.search(r'^sse_stream_connections_open\{protocol="h2"\} (\S+)$', metrics, re.M).group(1)))
        print(f"/metrics: sse_streams_open{{protocol=\"h2\"}} {open_streams}, "
              f"sse_stream_connections_open{{protocol=\"h2\"}} {connections}")
        if open_streams != args.streams:
            failures.append(f"/metrics shows {open_streams} open streams, not {args.streams}")

        # 3. Delivery over a hold period.
        counts_before = {s: client.events[s] for s in streams}
        cpu_before = cpu_seconds(process.pid)
        hold_start = time.perf_counter()
        client.run_until(lambda: time.perf_counter() - hold_start >= args.hold, args.hold + 30, "the hold period")
        elapsed = time.perf_counter() - hold_start
        cpu = cpu_seconds(process.pid) - cpu_before
        delivered = {s: client.events[s] - counts_before[s] for s in streams}
        total = sum(delivered.values())
        silent = [s for s in streams if delivered[s] == 0]
        expected = args.streams * elapsed * 1000 / args.interval
        print(f"hold {elapsed:.1f} s: {total} events ({total / elapsed:.0f}/s, {100 * total / expected:.0f}% of the "
              f"nominal {expected / elapsed:.0f}/s), fewest per stream {min(delivered.values())}, "
              f"silent streams {len(silent)}; server CPU {cpu:.2f} s ({1e6 * cpu / max(1, total):.1f} us per event)")
        print(f"server RSS at the end {rss_bytes(process.pid) / 1048576:.1f} MiB")
        if silent:
            failures.append(f"{len(silent)} streams delivered nothing during the hold")
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    if failures:
        print("MISSED: " + "; ".join(failures))
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
