"""The abuse scenarios of the engine issue, over real sockets against the real h2-server
(cleartext h2 with prior knowledge on 127.0.0.1): rapid reset, MadeYouReset,
CONTINUATION flood, HPACK bomb, ping/settings/reset/empty-frame floods, zero-length
fields, priority churn, data dribble, a client that never reads, connections that never
send a preface, more streams than SETTINGS_MAX_CONCURRENT_STREAMS.

Each test starts its own server, sends the attack with hyperframe/hpack, and asserts:
- the reaction RFC 9113 and our budgets (Sources/HTTP2/Limits/AbuseLimits.swift, the
  defaults h2-server runs with) call for, with the exact error code;
- the server stays healthy: a new well-behaved client (Python's h2) is served within 2 s,
  during the attack where it lasts, and after it;
- the server's VmRSS grows by less than 64 MiB.
Every loop is bounded in count and time. The figures of each scenario are printed at the
end (and written as JSON to $ABUSE_REPORT when set).

Run: H2_SERVER=.build/debug/h2-server python3 -m unittest discover -s Tests/Abuse"""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest

import hyperframe.frame as hf

from abuse_client import (CANCEL, COMPRESSION_ERROR, ENHANCE_YOUR_CALM, FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR, H2_SERVER,
                          INITIAL_WINDOW_SIZE, MAX_CONCURRENT_STREAMS, PREFACE, PROTOCOL_ERROR,
                          REFUSED_STREAM, STREAM_CLOSED, RawClient, Server, code_name, goaway_text,
                          healthy_request, rss_kib)

if not H2_SERVER or not os.path.exists(H2_SERVER):
    raise unittest.SkipTest("set H2_SERVER to the h2-server binary (Scripts/test.sh does)")

# The budgets h2-server runs with (AbuseLimits.default; h2-server changes none of them).
PEER_RESETS = 1000          # peerResets: burst 1000, refills 33/s
PROVOKED_RESETS = 1000      # provokedResets: burst 1000, refills 33/s
MAX_CONTINUATIONS = 16      # maxContinuationFrames
MAX_FIELD_BLOCK = 256 * 1024  # maxFieldBlockSize
PINGS = 100                 # pings: burst 100, refills 10/s
SETTINGS_FRAMES = 100       # settingsFrames: burst 100, refills 10/s
EMPTY_FRAMES = 100          # emptyFrames: burst 100, refills 10/s
MAX_HEADER_LIST = 64 * 1024  # SETTINGS_MAX_HEADER_LIST_SIZE of ConnectionConfiguration.server

HEALTHY_BUDGET = 2.0        # seconds for a new client to be served
RSS_BUDGET_KIB = 64 * 1024  # VmRSS growth allowed per scenario

STOP_BUDGET = 10.0          # seconds for SIGTERM to end the server

FIGURES = []
STOPS = []


def tearDownModule():
    if not FIGURES:
        return
    lines = ["", "abuse scenarios: healthy client during/after (s), VmRSS before -> after (MiB), test time (s), reaction"]
    for row in FIGURES:
        during = "%.3f" % row["healthy_during_s"] if row["healthy_during_s"] is not None else "-"
        lines.append("  %-62s %5s/%.3f  %5.1f -> %5.1f (%+5.1f)  %5.2f  %s" % (
            row["scenario"], during, row["healthy_after_s"],
            row["rss_before_kib"] / 1024, row["rss_after_kib"] / 1024,
            (row["rss_after_kib"] - row["rss_before_kib"]) / 1024, row["seconds"], row["reaction"]))
    slow = ["%s: exit %s after %.1f s%s" % (name, code, seconds, " (first SIGTERM lost)" if lost else "")
            for name, code, seconds, lost in STOPS if code != 0 or seconds > 1.0]
    if slow:
        lines.append("slow or failed SIGTERM: " + "; ".join(slow))
    sys.stderr.write("\n".join(lines) + "\n")
    path = os.environ.get("ABUSE_REPORT")
    if path:
        with open(path, "w") as f:
            json.dump(FIGURES, f, indent=1)


class AbuseTestCase(unittest.TestCase):
    """Starts a fresh cleartext h2-server per test; `finish` checks health and memory."""

    server_args = ()

    def setUp(self):
        self.started = time.monotonic()
        self.server = Server("--plaintext", "--grace-period", "0", *self.server_args)
        self.addCleanup(self.server.cleanup)
        self.addCleanup(self.close_stdout)
        self.addCleanup(self.stop_server)
        self.pid = self.server.process.pid
        self.port = self.server.port
        with open(os.path.join(self.server.docroot, "index.html"), "rb") as f:
            self.index = f.read()
        # Warm up (first-request allocations are not the attack's), then the baseline.
        status, _, _ = healthy_request(self.port)
        self.assertEqual(status, 200, "the server does not serve before the attack")
        self.rss_before = rss_kib(self.pid)
        self.healthy_during = None
        self.clients = []

    def tearDown(self):
        for client in self.clients:
            client.close()

    def stop_server(self):
        """SIGTERM ends the server at once (--grace-period 0), whatever the attack left."""
        started = time.monotonic()
        process = self.server.process
        diagnosis, lost = "", False
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_BUDGET)
            except subprocess.TimeoutExpired:
                diagnosis = signal_diagnosis(process.pid)
                # A lost first signal and a stuck shutdown look alike; a second one tells.
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=5)
                    lost = True
                except subprocess.TimeoutExpired:
                    diagnosis += "\na second SIGTERM did not end it either\n" + thread_backtraces(process.pid)
        code = self.server.stop(sig=signal.SIGKILL)
        seconds = time.monotonic() - started
        STOPS.append((self.id().split(".", 1)[1], code, seconds, lost))
        if diagnosis or lost or code != 0:
            with open(self.server.log_path, "rb") as f:
                log = f.read().decode(errors="replace")[-3000:]
            self.fail("h2-server did not exit on SIGTERM within %.0f s (exit %s)\n%s\nits log ends with:\n%s"
                      % (STOP_BUDGET, code, diagnosis, log))

    def close_stdout(self):
        # The harness drains the server's stdout in a thread; it ends at EOF.
        self.server._reader.join(5)
        self.server.process.stdout.close()

    def sustained(self, attack, seconds=2.0, max_connections=40):
        """Runs `attack(client)` on new connections, one after the other, for `seconds`
        (at most `max_connections` of them) in a thread, while this thread checks that a
        new client is served. Returns what each attack returned (or the exception)."""
        results = []

        def run():
            end = time.monotonic() + seconds
            while time.monotonic() < end and len(results) < max_connections:
                client = RawClient(self.port)
                try:
                    client.handshake()
                    results.append(attack(client))
                except Exception as error:  # reported by the caller's assertions
                    results.append(error)
                finally:
                    client.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        samples = []
        time.sleep(0.2)
        while thread.is_alive() and len(samples) < 6:
            samples.append(self.assert_served("during"))
            time.sleep(0.2)
        thread.join(seconds + 15)
        self.assertFalse(thread.is_alive(), "the attack did not end")
        self.assertTrue(samples, "the attack ended before a client could be checked during it")
        self.healthy_during = max(samples)
        return results

    def client(self, settings=None, handshake=True, **kwargs):
        client = RawClient(self.port, **kwargs)
        self.clients.append(client)
        if handshake:
            client.handshake(settings)
        return client

    def assert_served(self, when):
        """A new client is served `index.html` within the budget; returns the seconds."""
        self.assertTrue(self.server.alive(), "h2-server exited %s the attack: %s"
                        % (when, self.server.log_text()[-2000:]))
        status, body, seconds = healthy_request(self.port, budget=HEALTHY_BUDGET)
        self.assertEqual(status, 200, "a new client was not served within %.1f s %s the attack" % (HEALTHY_BUDGET, when))
        self.assertEqual(body, self.index)
        self.assertLess(seconds, HEALTHY_BUDGET)
        return seconds

    def check_during(self):
        self.healthy_during = self.assert_served("during")

    def finish(self, reaction):
        """After the attack: the server is alive, serves a new client in time, and its
        memory grew by less than the budget. Records the figures."""
        healthy_after = self.assert_served("after")
        rss_after = rss_kib(self.pid)
        FIGURES.append({"scenario": self.id().split(".", 1)[1], "reaction": reaction,
                        "healthy_during_s": self.healthy_during, "healthy_after_s": healthy_after,
                        "rss_before_kib": self.rss_before, "rss_after_kib": rss_after,
                        "seconds": time.monotonic() - self.started})
        self.assertLess(rss_after - self.rss_before, RSS_BUDGET_KIB,
                        "VmRSS grew from %d to %d KiB" % (self.rss_before, rss_after))

    def assert_goaway(self, client, code, timeout=5.0):
        goaway = client.wait_goaway(timeout)
        self.assertIsNotNone(goaway, "no GOAWAY %s (connection closed: %s)" % (code_name(code), client.closed))
        self.assertEqual(goaway.error_code, code, goaway_text(goaway))
        self.assertEqual(goaway.stream_id, 0)
        self.assertTrue(client.wait_closed(3.0), "the connection stays open after %s" % goaway_text(goaway))
        return goaway

    def assert_no_goaway(self, client):
        goaways = [f for f in client.received if isinstance(f, hf.GoAwayFrame)]
        self.assertEqual(goaways, [], "unexpected %s" % (goaways and goaway_text(goaways[0])))
        self.assertFalse(client.closed, "the server closed the connection")

    def assert_request_served(self, client, stream, path="/index.html"):
        """The connection still works: a request on it gets 200 and its body."""
        client.send(client.headers_frame(stream, path))
        ended = client.wait_for(lambda f: f.stream_id == stream and "END_STREAM" in f.flags
                                or isinstance(f, (hf.GoAwayFrame, hf.RstStreamFrame)) and f.stream_id in (0, stream),
                                HEALTHY_BUDGET)
        self.assertIsNotNone(ended, "no answer on stream %d" % stream)
        self.assertNotIsInstance(ended, (hf.GoAwayFrame, hf.RstStreamFrame), repr(ended))
        self.assertEqual(client.status_of(stream), 200)
        body = b"".join(bytes(f.data) for f in client.received if isinstance(f, hf.DataFrame) and f.stream_id == stream)
        self.assertEqual(body, self.index)


def signal_diagnosis(pid):
    """Where SIGTERM went: the process's pending, blocked and ignored sets, per thread."""
    lines = []
    try:
        with open("/proc/%d/status" % pid) as f:
            lines += [line.strip() for line in f if line.startswith(("ShdPnd", "SigIgn", "SigCgt", "Threads"))]
        for task in sorted(os.listdir("/proc/%d/task" % pid), key=int):
            fields = {}
            with open("/proc/%d/task/%s/status" % (pid, task)) as f:
                for line in f:
                    key, _, value = line.partition(":")
                    fields[key] = value.strip()
            with open("/proc/%d/task/%s/wchan" % (pid, task)) as f:
                wchan = f.read().strip()
            lines.append("thread %s %-16s %s SigPnd=%s SigBlk=%s wchan=%s" % (
                task, fields.get("Name"), fields.get("State"), fields.get("SigPnd"), fields.get("SigBlk"), wchan))
    except OSError as error:
        lines.append("(no /proc details: %s)" % error)
    return "\n".join(lines)


def thread_backtraces(pid):
    """Every thread's stack (gdb, bounded), when gdb is there."""
    try:
        result = subprocess.run(["gdb", "-p", str(pid), "-batch", "-ex", "thread apply all bt 12"],
                                capture_output=True, timeout=30)
        return result.stdout.decode(errors="replace")[-6000:]
    except (OSError, subprocess.TimeoutExpired) as error:
        return "(no backtraces: %s)" % error


def stream_ids(first, count):
    return [first + 2 * i for i in range(count)]


# --- CVE-2023-44487 rapid reset --------------------------------------------------------

class RapidResetTests(AbuseTestCase):
    def bursts(self, client, streams):
        frames = []
        for stream in streams:
            # /sleep keeps each stream open until the reset arrives (no race with a reply).
            frames += [client.headers_frame(stream, "/sleep/10000"), hf.RstStreamFrame(stream, error_code=CANCEL)]
        return client.send_burst(frames)

    def test_rapid_reset_beyond_budget_is_enhance_your_calm(self):
        client = self.client()
        streams = stream_ids(1, PEER_RESETS + 200)
        self.bursts(client, streams)
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        # The budget is 1000 resets (plus what refills while the burst runs), not fewer.
        self.assertGreaterEqual(goaway.last_stream_id, streams[PEER_RESETS - 1], goaway_text(goaway))
        self.assertLess(goaway.last_stream_id, streams[-1], goaway_text(goaway))
        self.finish(goaway_text(goaway))

    def test_sustained_rapid_reset_over_new_connections(self):
        # The CVE's real shape: as soon as one connection is closed, the next one starts.
        def attack(client):
            self.bursts(client, stream_ids(1, PEER_RESETS + 200))
            goaway = client.wait_goaway(5.0)
            return None if goaway is None else goaway.error_code

        results = self.sustained(attack)
        self.assertEqual(results, [ENHANCE_YOUR_CALM] * len(results))
        self.finish("%d connections x %d resets, each GOAWAY ENHANCE_YOUR_CALM" % (len(results), PEER_RESETS))

    def test_rapid_reset_within_budget_is_allowed(self):
        client = self.client()
        streams = stream_ids(1, PEER_RESETS // 2)
        self.bursts(client, streams)
        self.assert_request_served(client, streams[-1] + 2)
        self.assert_no_goaway(client)
        self.finish("%d resets, connection still serves" % len(streams))


# --- CVE-2025-8671 MadeYouReset: frames that make the server reset streams ---------------

class MadeYouResetTests(AbuseTestCase):
    def provoke(self, client, streams, frames_for):
        frames = []
        for stream in streams:
            frames += frames_for(client, stream)
        return client.send_burst(frames)

    def beyond_budget(self, frames_for, code):
        client = self.client()
        streams = stream_ids(1, PROVOKED_RESETS + 100)
        self.provoke(client, streams, frames_for)
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        resets = client.resets()
        self.assertEqual(set(resets.values()), {code}, "reset codes %s" % set(map(code_name, resets.values())))
        # Every stream error before the budget ran out was answered with RST_STREAM.
        self.assertGreaterEqual(len(resets), PROVOKED_RESETS)
        self.assertLess(len(resets), len(streams))
        self.finish("%d RST_STREAM %s, %s" % (len(resets), code_name(code), goaway_text(goaway)))

    def within_budget(self, frames_for, code):
        client = self.client()
        streams = stream_ids(1, 200)
        self.provoke(client, streams, frames_for)
        client.wait_for(lambda f: isinstance(f, hf.RstStreamFrame) and f.stream_id == streams[-1], 5.0)
        self.assertEqual(client.resets(), {stream: code for stream in streams})
        self.assert_request_served(client, streams[-1] + 2)
        self.assert_no_goaway(client)
        self.finish("%d RST_STREAM %s, connection still serves" % (len(streams), code_name(code)))

    @staticmethod
    def window_update_zero(client, stream):
        # RFC 9113 §6.9: an increment of 0 on a stream is a stream error PROTOCOL_ERROR.
        return [client.headers_frame(stream, "/sleep/10000"), hf.WindowUpdateFrame(stream, window_increment=0)]

    @staticmethod
    def window_overflow(client, stream):
        # §6.9.1: a stream window above 2^31-1 is a stream error FLOW_CONTROL_ERROR.
        return [client.headers_frame(stream, "/sleep/10000"), hf.WindowUpdateFrame(stream, window_increment=2**31 - 1)]

    @staticmethod
    def data_beyond_content_length(client, stream):
        # §8.1.1: DATA beyond content-length makes the request malformed: PROTOCOL_ERROR.
        return [client.headers_frame(stream, "/sleep/10000", method="POST", end_stream=False,
                                     extra=[("content-length", "1")]),
                hf.DataFrame(stream, b"xy", flags=["END_STREAM"])]

    @staticmethod
    def malformed_request(client, stream):
        # §8.3.1: a request without :path is malformed: stream error PROTOCOL_ERROR.
        block = client.encoder.encode([(":method", "GET"), (":scheme", "http"), (":authority", "x")])
        return [hf.HeadersFrame(stream, block, flags=["END_HEADERS", "END_STREAM"])]

    @staticmethod
    def priority_on_itself(client, stream):
        # RFC 7540 §5.3.1 (kept by the engine, as h2spec checks it): a stream that depends
        # on itself is a stream error PROTOCOL_ERROR.
        return [client.headers_frame(stream, "/sleep/10000"), hf.PriorityFrame(stream, depends_on=stream)]

    def test_priority_on_itself_beyond_budget(self):
        self.beyond_budget(self.priority_on_itself, PROTOCOL_ERROR)

    def test_window_update_zero_beyond_budget(self):
        self.beyond_budget(self.window_update_zero, PROTOCOL_ERROR)

    def test_window_update_zero_within_budget(self):
        self.within_budget(self.window_update_zero, PROTOCOL_ERROR)

    def test_window_overflow_beyond_budget(self):
        self.beyond_budget(self.window_overflow, FLOW_CONTROL_ERROR)

    def test_data_beyond_content_length_beyond_budget(self):
        self.beyond_budget(self.data_beyond_content_length, PROTOCOL_ERROR)

    def test_data_beyond_content_length_within_budget(self):
        self.within_budget(self.data_beyond_content_length, PROTOCOL_ERROR)

    def test_malformed_requests_beyond_budget(self):
        self.beyond_budget(self.malformed_request, PROTOCOL_ERROR)


# --- CVE-2019-9514 reset flood: stream errors while not reading the replies ---------------

class ResetFloodTests(AbuseTestCase):
    def test_data_on_half_closed_streams_without_reading(self):
        client = self.client()
        streams = stream_ids(1, PROVOKED_RESETS + 100)
        frames = []
        for stream in streams:
            # §5.1 half-closed (remote): DATA is a stream error STREAM_CLOSED.
            frames += [client.headers_frame(stream, "/sleep/10000"), hf.DataFrame(stream, b"x")]
        # Everything goes out before we read a single reply.
        try:
            client.send(frames)
        except Exception:
            pass
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        resets = client.resets()
        self.assertEqual(set(resets.values()), {STREAM_CLOSED})
        self.assertGreaterEqual(len(resets), PROVOKED_RESETS)
        self.finish("%d RST_STREAM STREAM_CLOSED, %s" % (len(resets), goaway_text(goaway)))


# --- CVE-2024-27316 family: CONTINUATION floods -------------------------------------------

class ContinuationFloodTests(AbuseTestCase):
    server_args = ("--max-concurrent-streams", "1")

    def flood(self, client, stream, fragment, count=200):
        """HEADERS without END_HEADERS, then CONTINUATION frames that never end the block."""
        block = client.request_block("/index.html")
        frames = [hf.HeadersFrame(stream, block, flags=["END_STREAM"])]
        frames += [hf.ContinuationFrame(stream, fragment) for _ in range(count)]
        return client.send_burst(frames, chunk=16)

    def test_endless_continuation(self):
        client = self.client()
        # Literal fields, never completed: 16 allowed, the 17th ends the connection.
        self.flood(client, 1, b"\x00\x03x-a\x01b" * 8)
        goaway = self.assert_goaway(client, COMPRESSION_ERROR)
        self.assertEqual(goaway.last_stream_id, 0)
        self.finish(goaway_text(goaway))

    def test_continuation_beyond_field_block_size(self):
        client = self.client()
        # 16 frames of 16 KiB cross the 256 KiB field-block cap before the frame cap.
        fragment = b"\x00" * 16384
        self.flood(client, 1, fragment, count=MAX_CONTINUATIONS)
        goaway = self.assert_goaway(client, COMPRESSION_ERROR)
        self.assertEqual(goaway.last_stream_id, 0)
        self.finish(goaway_text(goaway))

    def test_empty_continuation(self):
        client = self.client()
        self.flood(client, 1, b"")
        goaway = self.assert_goaway(client, COMPRESSION_ERROR)
        self.finish(goaway_text(goaway))

    def test_continuation_flood_on_refused_stream(self):
        client = self.client()
        # Stream 1 takes the only slot (MAX_CONCURRENT_STREAMS 1); stream 3 is refused,
        # and its field block inserts into the HPACK table, which must stay in step.
        client.send(client.headers_frame(1, "/sleep/300"))
        client.send(client.headers_frame(3, "/index.html", extra=[("x-sync", "abc")]))
        self.assertIsNotNone(client.wait_for(lambda f: isinstance(f, hf.RstStreamFrame) and f.stream_id == 3, 2.0))
        self.assertEqual(client.resets(), {3: REFUSED_STREAM})
        client.wait_for(lambda f: f.stream_id == 1 and "END_STREAM" in f.flags, 3.0)
        self.assertEqual(client.status_of(1), 200)
        # The refused block's entry is referenced now: a desynchronized table would fail.
        self.assert_request_served(client, 5)
        # Stream 7 holds the slot; stream 9 would be refused, but never ends its block.
        client.send(client.headers_frame(7, "/sleep/2000"))
        self.flood(client, 9, b"\x00\x03x-a\x01b" * 8)
        goaway = self.assert_goaway(client, COMPRESSION_ERROR)
        self.assertEqual(goaway.last_stream_id, 7)
        self.finish(goaway_text(goaway))


# --- CVE-2016-6581 HPACK bomb ---------------------------------------------------------------

def literal_indexed(name, value):
    """RFC 7541 §6.2.1: literal with incremental indexing, new name, no Huffman."""
    def string(data):
        return prefix_integer(len(data), 7, 0x00) + data
    return b"\x40" + string(name) + string(value)


def prefix_integer(value, bits, first):
    """RFC 7541 §5.1."""
    limit = (1 << bits) - 1
    if value < limit:
        return bytes([first | value])
    out = [first | limit]
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


class HPACKBombTests(AbuseTestCase):
    def bomb_setup(self, client):
        # A 4000-octet field, inserted once (it fits the 4096-octet table: 4000+6+32).
        block = client.request_block("/index.html") + literal_indexed(b"x-bomb", b"b" * 4000)
        # Our encoder's table mirrors the server's decoder: it learns the insertion too.
        client.encoder.header_table.add(b"x-bomb", b"b" * 4000)
        client.send(hf.HeadersFrame(1, block, flags=["END_HEADERS", "END_STREAM"]))
        client.wait_for(lambda f: f.stream_id == 1 and "END_STREAM" in f.flags, 2.0)
        self.assertEqual(client.status_of(1), 200)

    def bomb(self, client, stream, references):
        # The request fields are indexed already (no insertion): dynamic index 62 (the
        # newest entry) is x-bomb.
        block = client.request_block("/index.html")
        return hf.HeadersFrame(stream, block + bytes([0x80 | 62]) * references, flags=["END_HEADERS", "END_STREAM"])

    def test_one_field_referenced_many_times(self):
        client = self.client()
        self.bomb_setup(client)
        # 16,000 references: 64 MB of fields from 16 KB of HPACK. The header list is
        # capped at 64 KiB: §10.5.1 answers 431 and the connection goes on.
        client.send(self.bomb(client, 3, 16000))
        client.wait_for(lambda f: f.stream_id == 3 and "END_STREAM" in f.flags
                        or isinstance(f, (hf.RstStreamFrame, hf.GoAwayFrame)), 3.0)
        self.assertEqual(client.status_of(3), 431)
        self.assert_request_served(client, 5)
        self.assert_no_goaway(client)
        self.finish("HEADERS :status 431, connection still serves")

    def test_repeated_bombs_beyond_budget(self):
        client = self.client()
        self.bomb_setup(client)
        references = MAX_HEADER_LIST // 4000 + 2
        streams = stream_ids(3, PROVOKED_RESETS + 100)
        client.send_burst([self.bomb(client, stream, references) for stream in streams])
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        answered = [s for s in streams if client.status_of(s) == 431]
        self.assertGreaterEqual(len(answered), PROVOKED_RESETS)
        self.assertEqual(client.resets(), {})
        self.finish("%d x 431, %s" % (len(answered), goaway_text(goaway)))

    def test_table_size_update_beyond_limit(self):
        client = self.client()
        # RFC 7541 §4.2, §6.3: a size update above SETTINGS_HEADER_TABLE_SIZE (4096) is a
        # decoding error: COMPRESSION_ERROR (RFC 9113 §4.3).
        block = prefix_integer(1 << 30, 5, 0x20) + client.request_block("/index.html")
        client.send(hf.HeadersFrame(1, block, flags=["END_HEADERS", "END_STREAM"]))
        goaway = self.assert_goaway(client, COMPRESSION_ERROR)
        self.finish(goaway_text(goaway))


# --- CVE-2019-9512 ping flood, CVE-2019-9515 settings flood -----------------------------------

class ControlFloodTests(AbuseTestCase):
    def test_ping_flood(self):
        client = self.client()
        client.send_burst([hf.PingFrame(0, opaque_data=i.to_bytes(8, "big")) for i in range(PINGS + 100)])
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        acks = [f for f in client.received if isinstance(f, hf.PingFrame) and "ACK" in f.flags]
        self.assertGreaterEqual(len(acks), PINGS)
        self.assertLess(len(acks), PINGS + 100)
        self.finish("%d PING ACKs, %s" % (len(acks), goaway_text(goaway)))

    def test_pings_within_budget(self):
        client = self.client()
        client.send([hf.PingFrame(0, opaque_data=i.to_bytes(8, "big")) for i in range(PINGS // 2)])
        last = (PINGS // 2 - 1).to_bytes(8, "big")
        client.wait_for(lambda f: isinstance(f, hf.PingFrame) and f.opaque_data == last, 3.0)
        acks = [f.opaque_data for f in client.received if isinstance(f, hf.PingFrame) and "ACK" in f.flags]
        self.assertEqual(acks, [i.to_bytes(8, "big") for i in range(PINGS // 2)])
        self.assert_request_served(client, 1)
        self.assert_no_goaway(client)
        self.finish("%d PING ACKs, connection still serves" % len(acks))

    def test_settings_flood(self):
        client = self.client()
        client.send_burst([hf.SettingsFrame(0, settings={INITIAL_WINDOW_SIZE: 65535 + i % 2})
                           for i in range(SETTINGS_FRAMES + 100)])
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        acks = [f for f in client.received if isinstance(f, hf.SettingsFrame) and "ACK" in f.flags]
        # The preface's SETTINGS took one token of the budget (and got one of these ACKs).
        self.assertGreaterEqual(len(acks), SETTINGS_FRAMES)
        self.assertLess(len(acks), SETTINGS_FRAMES + 100)
        self.finish("%d SETTINGS ACKs, %s" % (len(acks), goaway_text(goaway)))

    def test_settings_frames_with_many_entries(self):
        client = self.client()
        # 2,700 entries per frame (16,200 octets, within MAX_FRAME_SIZE), 50 frames: each
        # costs one token and is applied once.
        entries = b"".join((INITIAL_WINDOW_SIZE).to_bytes(2, "big") + (65535 + i % 7).to_bytes(4, "big")
                           for i in range(2700))
        frame = len(entries).to_bytes(3, "big") + b"\x04\x00" + b"\x00\x00\x00\x00" + entries
        client.send(frame * 50)
        client.send(hf.PingFrame(0, opaque_data=b"lastping"))
        client.wait_for(lambda f: isinstance(f, hf.PingFrame) and f.opaque_data == b"lastping", 5.0)
        acks = [f for f in client.received if isinstance(f, hf.SettingsFrame) and "ACK" in f.flags]
        self.assertEqual(len(acks), 1 + 50)   # the preface's SETTINGS, then the 50
        self.assert_request_served(client, 1)
        self.assert_no_goaway(client)
        self.finish("50 SETTINGS ACKs (135,000 entries), connection still serves")


# --- CVE-2019-9518 empty frames, CVE-2019-9516 zero-length fields ------------------------------

class EmptyFrameTests(AbuseTestCase):
    def test_empty_data_frames(self):
        client = self.client()
        client.send(client.headers_frame(1, "/sleep/10000", method="POST", end_stream=False))
        client.send_burst([hf.DataFrame(1, b"") for _ in range(EMPTY_FRAMES + 100)])
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        self.assertEqual(goaway.last_stream_id, 1)
        self.finish(goaway_text(goaway))

    def test_empty_data_frames_within_budget(self):
        client = self.client()
        client.send(client.headers_frame(1, "/echo", method="POST", end_stream=False))
        client.send([hf.DataFrame(1, b"") for _ in range(EMPTY_FRAMES // 2)]
                    + [hf.DataFrame(1, b"ok", flags=["END_STREAM"])])
        client.wait_for(lambda f: f.stream_id == 1 and "END_STREAM" in f.flags or isinstance(f, hf.GoAwayFrame), 3.0)
        self.assertEqual(client.status_of(1), 200)
        body = b"".join(bytes(f.data) for f in client.received if isinstance(f, hf.DataFrame) and f.stream_id == 1)
        self.assertEqual(body, b"ok")
        self.assert_no_goaway(client)
        self.finish("%d empty DATA, request served" % (EMPTY_FRAMES // 2))

    def test_empty_continuation_frames_across_blocks(self):
        client = self.client()
        frames = []
        streams = stream_ids(1, EMPTY_FRAMES // 10 + 5)
        for stream in streams:
            # 10 empty CONTINUATION frames per block (within the 16-frame cap), then the end.
            block = client.request_block("/index.html")
            frames.append(hf.HeadersFrame(stream, block, flags=["END_STREAM"]))
            frames += [hf.ContinuationFrame(stream, b"") for _ in range(10)]
            frames.append(hf.ContinuationFrame(stream, b"", flags=["END_HEADERS"]))
        client.send_burst(frames, chunk=12)
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        self.finish(goaway_text(goaway))

    def test_empty_headers_frames(self):
        client = self.client()
        streams = stream_ids(1, EMPTY_FRAMES + 100)
        client.send_burst([hf.HeadersFrame(stream, b"", flags=["END_HEADERS"]) for stream in streams])
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        # Each empty block is a malformed request (no pseudo-header fields): RST_STREAM.
        resets = client.resets()
        self.assertEqual(set(resets.values()), {PROTOCOL_ERROR})
        self.assertGreaterEqual(len(resets), EMPTY_FRAMES)
        self.assertLess(len(resets), len(streams))
        self.finish("%d RST_STREAM PROTOCOL_ERROR, %s" % (len(resets), goaway_text(goaway)))


class ZeroLengthFieldTests(AbuseTestCase):
    EMPTY_NAME = b"\x00\x00\x00"   # literal without indexing, name "" value ""

    def test_empty_name_is_malformed(self):
        client = self.client()
        client.send(hf.HeadersFrame(1, client.request_block("/index.html") + self.EMPTY_NAME,
                                    flags=["END_HEADERS", "END_STREAM"]))
        client.wait_for(lambda f: f.stream_id == 1, 2.0)
        self.assertEqual(client.resets(), {1: PROTOCOL_ERROR})
        # An empty value is fine.
        client.send(client.headers_frame(3, "/index.html", extra=[("x-empty", "")]))
        client.wait_for(lambda f: f.stream_id == 3 and "END_STREAM" in f.flags, 2.0)
        self.assertEqual(client.status_of(3), 200)
        self.assert_no_goaway(client)
        self.finish("RST_STREAM PROTOCOL_ERROR; empty value served")

    def test_block_of_empty_fields(self):
        client = self.client()
        # 5,000 empty fields count 32 octets each (RFC 9113 §6.5.2): 160,000 > 64 KiB.
        client.send(hf.HeadersFrame(1, client.request_block("/index.html") + self.EMPTY_NAME * 5000,
                                    flags=["END_HEADERS", "END_STREAM"]))
        client.wait_for(lambda f: f.stream_id == 1 and "END_STREAM" in f.flags
                        or isinstance(f, (hf.RstStreamFrame, hf.GoAwayFrame)), 2.0)
        self.assertEqual(client.status_of(1), 431)
        self.assert_request_served(client, 3)
        self.finish("HEADERS :status 431, connection still serves")

    def test_empty_names_beyond_budget(self):
        client = self.client()
        streams = stream_ids(1, PROVOKED_RESETS + 100)
        client.send_burst([hf.HeadersFrame(stream, client.request_block("/index.html") + self.EMPTY_NAME * 100,
                                           flags=["END_HEADERS", "END_STREAM"]) for stream in streams])
        goaway = self.assert_goaway(client, ENHANCE_YOUR_CALM)
        resets = client.resets()
        self.assertEqual(set(resets.values()), {PROTOCOL_ERROR})
        self.assertGreaterEqual(len(resets), PROVOKED_RESETS)
        self.finish("%d RST_STREAM PROTOCOL_ERROR, %s" % (len(resets), goaway_text(goaway)))


# --- CVE-2019-9513 priority churn ---------------------------------------------------------

class PriorityChurnTests(AbuseTestCase):
    def test_priority_frames_cost_nothing(self):
        client = self.client()
        client.send(client.headers_frame(1, "/sleep/1000"))
        frames = []
        for i in range(20000):
            # Idle streams far ahead, the open one, each other, exclusive or not.
            stream = 3 + 2 * (i % 5000)
            # (Never on itself: that is the RFC 7540 §5.3.1 stream error the engine keeps.)
            frames.append(hf.PriorityFrame(stream, depends_on=(stream + 2 * (1 + i % 7)) if i % 3 else 1,
                                           stream_weight=i % 256, exclusive=bool(i % 2)))
        client.send_burst(frames, chunk=1000)
        self.check_during()
        # §5.3.2 PRIORITY can be ignored: no reply, no new state; idle stream ids it named
        # stay usable, and the connection serves.
        self.assert_request_served(client, 3)
        client.wait_for(lambda f: f.stream_id == 1 and "END_STREAM" in f.flags, 3.0)
        self.assertEqual(client.status_of(1), 200)
        self.assertEqual(client.resets(), {})
        self.assert_no_goaway(client)
        self.finish("20,000 PRIORITY ignored, connection still serves")


# --- CVE-2019-9511, -9517 data dribble ------------------------------------------------------

class DataDribbleTests(AbuseTestCase):
    def test_one_byte_data_frames(self):
        client = self.client()
        count = 3000
        client.send(client.headers_frame(1, "/echo", method="POST", end_stream=False))
        payload = bytes(ord("a") + i % 26 for i in range(count))
        frames = [hf.DataFrame(1, payload[i:i + 1]) for i in range(count)]
        frames[-1].flags.add("END_STREAM")
        client.send_burst(frames, chunk=500)
        client.wait_for(lambda f: f.stream_id == 1 and "END_STREAM" in f.flags
                        or isinstance(f, (hf.RstStreamFrame, hf.GoAwayFrame)), 10.0)
        self.assertEqual(client.status_of(1), 200)
        body = b"".join(bytes(f.data) for f in client.received if isinstance(f, hf.DataFrame) and f.stream_id == 1)
        self.assertEqual(body, payload)
        # Credit goes back in batches, not one WINDOW_UPDATE per DATA frame.
        updates = [f for f in client.received if isinstance(f, hf.WindowUpdateFrame)]
        self.assertLess(len(updates), count // 10)
        self.assert_no_goaway(client)
        self.finish("%d x 1-byte DATA echoed, %d WINDOW_UPDATE" % (count, len(updates)))

    def test_window_updates_of_one(self):
        # Our initial stream window is 0: on each of 20 large responses the server may send
        # only what our 1-octet WINDOW_UPDATEs grant, and must buffer a bounded amount.
        client = self.client(settings={INITIAL_WINDOW_SIZE: 0})
        streams = stream_ids(1, 20)
        client.send([client.headers_frame(stream, "/bytes/50000000") for stream in streams])
        client.wait_for(lambda f: False, 0.5)
        self.assertEqual({s for s in streams if client.status_of(s) == 200}, set(streams))
        grants = 100   # per stream
        for _ in range(grants // 10):
            client.send([hf.WindowUpdateFrame(stream, window_increment=1) for stream in streams for _ in range(10)])
            client.pump(0.01)
        self.check_during()

        def data_on(stream):
            return [f for f in client.received if isinstance(f, hf.DataFrame) and f.stream_id == stream]

        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and sum(len(f.data) for f in client.received
                                                  if isinstance(f, hf.DataFrame)) < grants * len(streams):
            client.pump(0.2)
        client.pump(0.3)   # anything beyond the windows would show up now
        for stream in streams:
            received = sum(len(f.data) for f in data_on(stream))
            self.assertEqual(received, grants, "stream %d: %d octets sent for %d of window" % (stream, received, grants))
        frames = sum(len(data_on(stream)) for stream in streams)
        client.send([hf.RstStreamFrame(stream, error_code=CANCEL) for stream in streams])
        # Back to a usable window for the next request on this connection.
        client.send(hf.SettingsFrame(0, settings={INITIAL_WINDOW_SIZE: 65535}))
        self.assert_request_served(client, streams[-1] + 2)
        self.assert_no_goaway(client)
        self.finish("%d streams x %d grants of 1: exactly %d octets in %d DATA frames"
                    % (len(streams), grants, grants * len(streams), frames))


# --- Peers that ignore flow control or the frame size -------------------------------------

class WindowViolationTests(AbuseTestCase):
    def test_data_beyond_the_connection_window(self):
        client = self.client()
        client.pump(0.3)
        # §6.9.2: the connection window starts at 65,535 and grows by the server's
        # WINDOW_UPDATEs on stream 0 (it opens it right after the preface).
        window = 65535 + sum(f.window_increment for f in client.received
                             if isinstance(f, hf.WindowUpdateFrame) and f.stream_id == 0)
        self.assertGreater(window, 65535)
        # /sleep never reads its body: no credit comes back. Spread the window over 20
        # streams, each within its own window, and fill it exactly.
        streams = stream_ids(1, 20)
        client.send([client.headers_frame(stream, "/sleep/10000", method="POST", end_stream=False) for stream in streams])
        frames, left = [], window
        for stream in streams:
            share = min(left, -(-window // len(streams)))
            left -= share
            while share > 0:
                size = min(share, 16384)
                frames.append(hf.DataFrame(stream, b"a" * size))
                share -= size
        self.assertEqual(left, 0)
        client.send_burst(frames)
        client.pump(0.3)
        self.assert_no_goaway(client)
        self.assertEqual(client.resets(), {})
        # One octet more: §6.9.1 a connection error FLOW_CONTROL_ERROR.
        client.send(hf.DataFrame(streams[-1], b"z"))
        goaway = self.assert_goaway(client, FLOW_CONTROL_ERROR)
        self.finish("%d octets accepted, 1 more: %s" % (window, goaway_text(goaway)))

    def test_data_beyond_the_stream_window(self):
        # Without our ACK, the server's SETTINGS (1 MiB stream windows) are not in force:
        # the stream window is still 65,535 (§6.5.3, §6.9.2), the connection's is larger.
        client = self.client(handshake=False)
        client.handshake(ack=False)
        client.send(client.headers_frame(1, "/sleep/10000", method="POST", end_stream=False))
        client.send([hf.DataFrame(1, b"a" * 16383)] * 4 + [hf.DataFrame(1, b"a" * 3)])
        client.pump(0.3)
        self.assertEqual(client.resets(), {})
        client.send(hf.DataFrame(1, b"b"))
        client.wait_for(lambda f: isinstance(f, (hf.RstStreamFrame, hf.GoAwayFrame)), 2.0)
        # §6.9.1: a stream error FLOW_CONTROL_ERROR; the connection goes on.
        self.assertEqual(client.resets(), {1: FLOW_CONTROL_ERROR})
        client.send(hf.SettingsFrame(0, flags=["ACK"]))
        self.assert_request_served(client, 3)
        self.assert_no_goaway(client)
        self.finish("65,535 octets accepted, 1 more: RST_STREAM FLOW_CONTROL_ERROR, connection still serves")

    def test_frame_larger_than_max_frame_size(self):
        client = self.client()
        # A 16 MiB frame announced (SETTINGS_MAX_FRAME_SIZE is 16,384): §4.2 FRAME_SIZE_ERROR,
        # judged from the header, before any payload is buffered.
        client.send(b"\xff\xff\xff\x00\x00\x00\x00\x00\x01" + b"x" * 1000)
        goaway = self.assert_goaway(client, FRAME_SIZE_ERROR)
        self.finish(goaway_text(goaway))


# --- A client that never reads (CVE-2019-9517 internal buffering) -------------------------------

TCP_ESTABLISHED = 1


def tcp_state(sock):
    """The kernel's TCP state of a socket (struct tcp_info's first octet), read without
    reading the socket."""
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]


class NeverReadingClientTests(AbuseTestCase):
    SEND_TIMEOUT = 2.0
    server_args = ("--send-timeout", "2")

    def test_large_responses_and_pings_never_read(self):
        # All the window in the world, a 64 KiB receive buffer, and nothing read: only the
        # socket holds the server back, so its own buffers must be bounded.
        client = self.client(settings={INITIAL_WINDOW_SIZE: 2**31 - 1}, receive_buffer=64 * 1024)
        client.send(hf.WindowUpdateFrame(0, window_increment=2**31 - 1 - 65535))
        streams = stream_ids(1, 64)
        client.send([client.headers_frame(stream, "/bytes/100000000") for stream in streams])
        started = time.monotonic()
        # Pings keep coming (8/s, within the budget's 10/s refill) but do not count as reading.
        sent_pings, peak, dropped_after = 0, 0, None
        while time.monotonic() - started < self.SEND_TIMEOUT + 3.0:
            peak = max(peak, rss_kib(self.pid))
            if tcp_state(client.sock) != TCP_ESTABLISHED:
                dropped_after = time.monotonic() - started
                break
            try:
                client.send([hf.PingFrame(0, opaque_data=(sent_pings + i).to_bytes(8, "big")) for i in range(2)])
                sent_pings += 2
            except Exception:
                dropped_after = time.monotonic() - started
                break
            if self.healthy_during is None and time.monotonic() - started > 1.0:
                self.check_during()
            time.sleep(0.25)
        self.assertLess(peak - self.rss_before, RSS_BUDGET_KIB,
                        "VmRSS grew from %d to %d KiB while the client did not read" % (self.rss_before, peak))
        # Dropped (reset, SO_LINGER 0) once nothing moved for the send timeout, while we
        # still had not read a single octet.
        self.assertIsNotNone(dropped_after, "the server still holds a connection that has not read for %.1f s"
                             % (time.monotonic() - started))
        self.assertGreater(dropped_after, self.SEND_TIMEOUT - 0.5)
        self.assertTrue(client.wait_closed(2.0))
        self.finish("reset after %.1f s unread (send timeout 2 s), peak VmRSS +%.1f MiB, %d pings"
                    % (dropped_after, (peak - self.rss_before) / 1024, sent_pings))


class ZeroWindowTests(AbuseTestCase):
    def test_no_window_for_the_maximum_of_large_responses(self):
        # SETTINGS_INITIAL_WINDOW_SIZE 0 and 1,000 streams (the default maximum) of 100 MB
        # each: the server must hold at most its per-stream and per-connection budgets
        # (256 KiB, 16 MiB) of response data, not what the handlers would produce.
        client = self.client(settings={INITIAL_WINDOW_SIZE: 0})
        streams = stream_ids(1, 1000)
        client.send_burst([client.headers_frame(stream, "/bytes/100000000") for stream in streams], chunk=200)
        peak, data_octets, heads = 0, 0, 0
        for _ in range(8):
            client.pump(0.25)
            data_octets += sum(len(f.data) for f in client.received if isinstance(f, hf.DataFrame))
            heads += sum(1 for f in client.received if isinstance(f, hf.HeadersFrame))
            client.received.clear()   # bounded here too
            peak = max(peak, rss_kib(self.pid))
        self.check_during()
        self.assertLess(peak - self.rss_before, RSS_BUDGET_KIB)
        self.assertFalse(client.closed)
        self.assertEqual(heads, len(streams))     # every response started...
        self.assertEqual(data_octets, 0)          # ...and not one octet beyond the window
        client.send([hf.RstStreamFrame(stream, error_code=CANCEL) for stream in streams])
        client.send(hf.SettingsFrame(0, settings={INITIAL_WINDOW_SIZE: 65535}))
        self.assert_request_served(client, streams[-1] + 2)
        self.finish("1,000 streams held without window, peak VmRSS +%.1f MiB" % ((peak - self.rss_before) / 1024))


class NeverReadingPingFloodTests(AbuseTestCase):
    # The default send timeout (30 s): here the ping budget ends the connection.
    def test_ping_flood_never_read(self):
        client = self.client(settings={INITIAL_WINDOW_SIZE: 2**31 - 1}, receive_buffer=64 * 1024)
        client.send(hf.WindowUpdateFrame(0, window_increment=2**31 - 1 - 65535))
        client.send([client.headers_frame(stream, "/bytes/100000000") for stream in stream_ids(1, 16)])
        time.sleep(0.3)   # the responses fill the socket
        peak = rss_kib(self.pid)
        try:
            client.send([hf.PingFrame(0, opaque_data=i.to_bytes(8, "big")) for i in range(PINGS + 200)])
        except Exception:
            pass
        # GOAWAY ENHANCE_YOUR_CALM is queued behind what we never read; the server closes
        # anyway (it waits 2 s for that write), long before its 30 s send timeout.
        started = time.monotonic()
        while time.monotonic() - started < 3.0:
            peak = max(peak, rss_kib(self.pid))
            time.sleep(0.25)
        self.check_during()
        # Reading now finds what the kernel still held, then the end: a server that had
        # kept the connection would stream for the whole 4 s.
        self.assertTrue(client.wait_closed(4.0), "the connection is still open %.1f s after the ping flood"
                        % (time.monotonic() - started))
        self.assertLess(client.bytes_read, 64 << 20)
        goaways = [f for f in client.received if isinstance(f, hf.GoAwayFrame)]
        for goaway in goaways:
            self.assertEqual(goaway.error_code, ENHANCE_YOUR_CALM, goaway_text(goaway))
        self.assertLess(peak - self.rss_before, RSS_BUDGET_KIB)
        self.finish("closed within 3 s unread (%.1f MiB left in the kernel%s), peak VmRSS +%.1f MiB"
                    % (client.bytes_read / 1048576, ", " + goaway_text(goaways[0]) if goaways else "",
                       (peak - self.rss_before) / 1024))


# --- Connections that never send a preface ----------------------------------------------------

class IdleConnectionTests(AbuseTestCase):
    server_args = ("--handshake-timeout", "1")

    def test_many_connections_without_preface(self):
        sockets = []
        try:
            for i in range(400):
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
                if i % 8 == 1:
                    sock.sendall(PREFACE[:10])       # half a preface, then silence
                elif i % 8 == 2:
                    sock.sendall(PREFACE)            # the preface, no SETTINGS
                sockets.append(sock)
            self.check_during()
            # Every one is closed by the server after its handshake timeout (1 s).
            deadline = time.monotonic() + 1.0 + 4.0
            open_ones = list(sockets)
            while open_ones and time.monotonic() < deadline:
                still = []
                for sock in open_ones:
                    sock.setblocking(False)
                    try:
                        while True:
                            data = sock.recv(65536)
                            if not data:
                                break
                    except BlockingIOError:
                        still.append(sock)
                        continue
                    except OSError:
                        pass
                open_ones = still
                if open_ones:
                    time.sleep(0.1)
            self.assertEqual(len(open_ones), 0, "%d of %d connections without preface still open"
                             % (len(open_ones), len(sockets)))
        finally:
            for sock in sockets:
                sock.close()
        self.finish("%d connections closed after the 1 s handshake timeout" % len(sockets))


# --- More streams than SETTINGS_MAX_CONCURRENT_STREAMS ----------------------------------------

class ConcurrencyLimitTests(AbuseTestCase):
    LIMIT = 10
    server_args = ("--max-concurrent-streams", str(LIMIT))

    def test_extra_streams_are_refused_the_others_served(self):
        client = self.client()
        self.assertEqual(client.server_settings.get(MAX_CONCURRENT_STREAMS), self.LIMIT)
        streams = stream_ids(1, self.LIMIT * 3)
        client.send([client.headers_frame(stream, "/sleep/500") for stream in streams])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(client.ended_streams() | set(client.resets())) < len(streams):
            client.pump(0.2)
        # §5.1.2: the first LIMIT streams are served; the rest get REFUSED_STREAM.
        served, refused = streams[:self.LIMIT], streams[self.LIMIT:]
        self.assertEqual(client.resets(), {stream: REFUSED_STREAM for stream in refused})
        for stream in served:
            self.assertEqual(client.status_of(stream), 200, "stream %d" % stream)
        self.assertEqual(client.ended_streams(), set(served))
        # The slots are free again: new streams are served on the same connection.
        self.assert_request_served(client, streams[-1] + 2)
        self.assert_no_goaway(client)
        self.finish("%d served, %d RST_STREAM REFUSED_STREAM" % (len(served), len(refused)))

    def test_limit_holds_before_our_acknowledgement(self):
        # RFC 9113 §10.5: a peer may not exploit the time before it acknowledges SETTINGS;
        # the server enforces the limit it advertised at once (refusing is always safe).
        client = self.client(handshake=False)
        client.handshake(ack=False)
        streams = stream_ids(1, self.LIMIT + 5)
        client.send([client.headers_frame(stream, "/sleep/300") for stream in streams])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(client.ended_streams() | set(client.resets())) < len(streams):
            client.pump(0.2)
        self.assertEqual(client.resets(), {stream: REFUSED_STREAM for stream in streams[self.LIMIT:]})
        self.assertEqual(client.ended_streams(), set(streams[:self.LIMIT]))
        self.assert_no_goaway(client)
        self.finish("before the SETTINGS ACK: %d served, %d RST_STREAM REFUSED_STREAM" % (self.LIMIT, 5))


class DefaultConcurrencyLimitTests(AbuseTestCase):
    # h2-server's default SETTINGS_MAX_CONCURRENT_STREAMS.
    LIMIT = 1000

    def test_default_limit_is_enforced(self):
        client = self.client()
        self.assertEqual(client.server_settings.get(MAX_CONCURRENT_STREAMS), self.LIMIT)
        streams = stream_ids(1, self.LIMIT + 50)
        client.send_burst([client.headers_frame(stream, "/sleep/300") for stream in streams], chunk=200)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(client.ended_streams() | set(client.resets())) < len(streams):
            client.pump(0.2)
        served, refused = streams[:self.LIMIT], streams[self.LIMIT:]
        self.assertEqual(client.resets(), {stream: REFUSED_STREAM for stream in refused})
        self.assertEqual(client.ended_streams(), set(served))
        self.assertEqual({client.status_of(stream) for stream in served}, {200})
        self.assert_request_served(client, streams[-1] + 2)
        self.assert_no_goaway(client)
        self.finish("%d served, %d RST_STREAM REFUSED_STREAM" % (len(served), len(refused)))


if __name__ == "__main__":
    unittest.main()
