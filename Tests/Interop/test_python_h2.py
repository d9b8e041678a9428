"""End-to-end interop: our engine (h2-peer, over stdin/stdout) against Python's h2.

Run from the repository root after `swift build`:
    python3 -m unittest discover -s Tests/Interop -v
H2_PEER may name the h2-peer binary (default .build/debug/h2-peer).
"""
import json
import os
import select
import subprocess
import time
import unittest

import h2.config
import h2.connection
import h2.events
import h2.settings

PEER = os.environ.get("H2_PEER", os.path.join(".build", "debug", "h2-peer"))
TIMEOUT = 20.0


class Pipe:
    """An h2-peer process and a Python h2 connection wired through its stdin/stdout."""

    def __init__(self, args, client_side, local_settings=None):
        self.process = subprocess.Popen([PEER] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
        config = h2.config.H2Configuration(client_side=client_side, header_encoding="utf-8")
        self.conn = h2.connection.H2Connection(config=config)
        if local_settings:
            # Advertised in the first SETTINGS frame (update_settings would send a second).
            self.conn.local_settings = h2.settings.Settings(client=client_side, initial_values=local_settings)
        self.conn.initiate_connection()
        self.events = []
        self.flush()

    def flush(self):
        data = self.conn.data_to_send()
        if data:
            self.process.stdin.write(data)
            self.process.stdin.flush()

    def pump(self, until, timeout=TIMEOUT):
        """Reads from the peer and feeds h2 until `until()` is true."""
        deadline = time.monotonic() + timeout
        while not until():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError("timed out; events so far: %r" % self.events[-10:])
            ready, _, _ = select.select([self.process.stdout], [], [], remaining)
            if not ready:
                continue
            data = os.read(self.process.stdout.fileno(), 65536)
            if not data:
                if until():
                    return
                raise AssertionError("peer closed; events so far: %r; stderr: %s"
                                     % (self.events[-10:], self.peer_log()[-2000:]))
            events = self.conn.receive_data(data)
            self.events.extend(events)
            self.react(events)
            self.flush()

    def react(self, events):
        for event in events:
            if isinstance(event, h2.events.DataReceived):
                self.conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)

    def close(self):
        try:
            self.process.stdin.close()
        except OSError:
            pass
        self.process.wait(timeout=10)

    def peer_log(self):
        return self.process.stderr.read().decode("utf-8", "replace") if self.process.stderr else ""

    def peer_events(self):
        lines = self.peer_log().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


def request(path, method="GET"):
    return [(":method", method), (":scheme", "http"), (":authority", "localhost"), (":path", path)]


class ServerRoleTests(unittest.TestCase):
    """Python's h2 as the client, our engine as the server (RFC 9113 §3 to §8)."""

    def setUp(self):
        self.pipe = Pipe(["server", "--max-concurrent-streams", "100"], client_side=True)

    def tearDown(self):
        self.pipe.close()

    def responses(self):
        done = {}
        bodies = {}
        for event in self.pipe.events:
            if isinstance(event, h2.events.ResponseReceived):
                done.setdefault(event.stream_id, {})["headers"] = dict(event.headers)
            elif isinstance(event, h2.events.DataReceived):
                bodies[event.stream_id] = bodies.get(event.stream_id, b"") + event.data
            elif isinstance(event, h2.events.TrailersReceived):
                done.setdefault(event.stream_id, {})["trailers"] = dict(event.headers)
            elif isinstance(event, h2.events.StreamEnded):
                done.setdefault(event.stream_id, {})["ended"] = True
        for stream, body in bodies.items():
            done.setdefault(stream, {})["body"] = body
        return done

    def ended(self, streams):
        responses = self.responses()
        return lambda: all(responses_for.get("ended") for responses_for in
                           [self.responses().get(s, {}) for s in streams])

    def test_settings_and_simple_request(self):
        self.pipe.conn.send_headers(1, request("/hello"), end_stream=True)
        self.pipe.flush()
        self.pipe.pump(self.ended([1]))
        response = self.responses()[1]
        self.assertEqual(response["headers"][":status"], "200")
        self.assertEqual(response["body"], b"hello")
        self.assertEqual(self.pipe.conn.remote_settings.max_concurrent_streams, 100)

    def test_many_concurrent_sse_streams(self):
        streams = [1 + 2 * i for i in range(50)]
        for stream in streams:
            self.pipe.conn.send_headers(stream, request("/stream?n=5"), end_stream=True)
        self.pipe.flush()
        self.pipe.pump(self.ended(streams))
        for stream in streams:
            body = self.responses()[stream]["body"]
            self.assertEqual(body.count(b"data: token"), 5, stream)

    def test_echo_large_body_with_flow_control(self):
        body = bytes(range(256)) * 800  # 204,800 octets: more than the default window
        self.pipe.conn.send_headers(1, request("/echo", "POST"), end_stream=False)
        sent = 0
        while sent < len(body):
            window = min(self.pipe.conn.local_flow_control_window(1), self.pipe.conn.max_outbound_frame_size)
            if window <= 0:
                self.pipe.flush()
                self.pipe.pump(lambda: self.pipe.conn.local_flow_control_window(1) > 0)
                continue
            chunk = body[sent:sent + window]
            sent += len(chunk)
            self.pipe.conn.send_data(1, chunk, end_stream=sent == len(body))
        self.pipe.flush()
        self.pipe.pump(self.ended([1]))
        self.assertEqual(self.responses()[1]["body"], body)

    def test_big_response(self):
        self.pipe.conn.send_headers(1, request("/big?size=3000000"), end_stream=True)
        self.pipe.flush()
        self.pipe.pump(self.ended([1]))
        self.assertEqual(len(self.responses()[1]["body"]), 3000000)

    def test_trailers(self):
        self.pipe.conn.send_headers(1, request("/trailers"), end_stream=True)
        self.pipe.flush()
        self.pipe.pump(self.ended([1]))
        self.assertEqual(self.responses()[1]["trailers"], {"x-checksum": "abc123"})

    def test_reset_by_client_keeps_connection(self):
        self.pipe.conn.send_headers(1, request("/echo", "POST"), end_stream=False)
        self.pipe.conn.reset_stream(1)
        self.pipe.conn.send_headers(3, request("/hello"), end_stream=True)
        self.pipe.flush()
        self.pipe.pump(self.ended([3]))
        self.assertEqual(self.responses()[3]["body"], b"hello")

    def test_ping(self):
        self.pipe.conn.ping(b"12345678")
        self.pipe.flush()
        self.pipe.pump(lambda: any(isinstance(e, h2.events.PingAckReceived) for e in self.pipe.events))
        ack = [e for e in self.pipe.events if isinstance(e, h2.events.PingAckReceived)][0]
        self.assertEqual(ack.ping_data, b"12345678")

    def test_protocol_error_gets_goaway(self):
        # DATA on an idle stream: a connection error PROTOCOL_ERROR (RFC 9113 §5.1).
        self.pipe.process.stdin.write(b"\x00\x00\x01\x00\x00\x00\x00\x00\x05x")
        self.pipe.process.stdin.flush()
        self.pipe.pump(lambda: any(isinstance(e, h2.events.ConnectionTerminated) for e in self.pipe.events))
        terminated = [e for e in self.pipe.events if isinstance(e, h2.events.ConnectionTerminated)][0]
        self.assertEqual(terminated.error_code, 1)


class LimitTests(unittest.TestCase):
    def test_server_advertises_small_limit(self):
        pipe = Pipe(["server", "--max-concurrent-streams", "6"], client_side=True)
        try:
            pipe.pump(lambda: pipe.conn.remote_settings.max_concurrent_streams == 6)
            for index in range(6):
                pipe.conn.send_headers(1 + 2 * index, request("/hello"), end_stream=True)
            with self.assertRaises(Exception):  # Python's h2 refuses a 7th stream itself
                pipe.conn.send_headers(13, request("/hello"), end_stream=True)
        finally:
            pipe.close()


class ClientRoleTests(unittest.TestCase):
    """Python's h2 as the server, our engine as the client."""

    def run_client(self, paths, max_streams):
        pipe = Pipe(["client", "--after-settings"] + paths, client_side=False,
                    local_settings={h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: max_streams})
        open_streams = set()
        most_open = 0
        answered = 0
        try:
            def serve():
                nonlocal most_open, answered
                for event in pipe.events[serve.seen:]:
                    if isinstance(event, h2.events.RequestReceived):
                        open_streams.add(event.stream_id)
                        most_open = max(most_open, len(open_streams))
                serve.seen = len(pipe.events)
                # Answer every open request; the client keeps at most 5 open, the rest wait.
                for stream in sorted(open_streams):
                    pipe.conn.send_headers(stream, [(":status", "200")])
                    pipe.conn.send_data(stream, b"path-body", end_stream=True)
                    answered += 1
                open_streams.clear()
                pipe.flush()
                return answered == len(paths)
            serve.seen = 0
            pipe.pump(serve)
            # The client closes the connection with GOAWAY once every response arrived.
            pipe.pump(lambda: any(isinstance(e, h2.events.ConnectionTerminated) for e in pipe.events))
        finally:
            pipe.close()
        return most_open, pipe.peer_events()

    def test_client_respects_server_limit_and_queues(self):
        paths = ["/r/%d" % i for i in range(30)]
        most_open, events = self.run_client(paths, max_streams=5)
        self.assertLessEqual(most_open, 5)
        closed = [e for e in events if e.get("event") == "closed"]
        self.assertEqual(len(closed), 30)
        started = [e for e in events if e.get("event") == "started"]
        self.assertGreaterEqual(len(started), 25)
        statuses = [e for e in events if e.get("event") == "response"]
        self.assertTrue(all(e["status"] == 200 for e in statuses))


if __name__ == "__main__":
    unittest.main()
