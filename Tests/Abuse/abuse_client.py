"""Tools for the abuse suite: a raw HTTP/2 client that writes frames made with Python's
hyperframe and hpack (so it can send what a real client never would), a well-behaved
client built on Python's h2 (the health probe), and the server's resident memory.

Every wait here is bounded in time and every read in size."""
import os
import socket
import sys
import time

import h2.config
import h2.connection
import h2.events
import hpack
import hyperframe.frame as hf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ServerInterop"))

from server_harness import H2_SERVER, Server  # noqa: E402  (reused: starts and stops h2-server)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# RFC 9113 §7 error codes.
NO_ERROR = 0x0
PROTOCOL_ERROR = 0x1
INTERNAL_ERROR = 0x2
FLOW_CONTROL_ERROR = 0x3
STREAM_CLOSED = 0x5
FRAME_SIZE_ERROR = 0x6
REFUSED_STREAM = 0x7
CANCEL = 0x8
COMPRESSION_ERROR = 0x9
ENHANCE_YOUR_CALM = 0xB

CODE_NAMES = {0x0: "NO_ERROR", 0x1: "PROTOCOL_ERROR", 0x2: "INTERNAL_ERROR", 0x3: "FLOW_CONTROL_ERROR",
              0x4: "SETTINGS_TIMEOUT", 0x5: "STREAM_CLOSED", 0x6: "FRAME_SIZE_ERROR", 0x7: "REFUSED_STREAM",
              0x8: "CANCEL", 0x9: "COMPRESSION_ERROR", 0xA: "CONNECT_ERROR", 0xB: "ENHANCE_YOUR_CALM",
              0xC: "INADEQUATE_SECURITY", 0xD: "HTTP_1_1_REQUIRED"}

# SETTINGS identifiers (RFC 9113 §6.5.2).
HEADER_TABLE_SIZE = 0x1
ENABLE_PUSH = 0x2
MAX_CONCURRENT_STREAMS = 0x3
INITIAL_WINDOW_SIZE = 0x4
MAX_FRAME_SIZE = 0x5
MAX_HEADER_LIST_SIZE = 0x6


def code_name(code):
    return CODE_NAMES.get(code, hex(code))


def rss_kib(pid):
    """VmRSS of a process, in KiB (Linux /proc)."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for pid %d" % pid)


class ConnectionGone(Exception):
    """The server closed the connection while we were writing."""


class RawClient:
    """One TCP connection speaking HTTP/2 frame by frame. Frames received are parsed with
    hyperframe and kept in `received`; header blocks are decoded with one hpack Decoder so
    response heads stay readable."""

    def __init__(self, port, timeout=5.0, receive_buffer=None):
        if receive_buffer is None:
            self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        else:
            # A small receive buffer (set before connecting, so the window is small from
            # the start) makes a client that stops reading stall the server sooner.
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            self.sock.settimeout(timeout)
            self.sock.connect(("127.0.0.1", port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.encoder = hpack.Encoder()
        self.decoder = hpack.Decoder()
        self.decoder.max_header_list_size = 1 << 20
        self.inbuf = bytearray()
        self.received = []
        self.closed = False          # EOF or reset seen
        self.reset_by_peer = False   # ECONNRESET / EPIPE while reading
        self.write_failed = False    # the server stopped taking our bytes
        self.server_settings = {}
        self.headers = {}            # stream id -> decoded response head (list of (name, value))
        self._block = None           # (stream id, bytes) of a header block in progress
        self.port = port
        self.bytes_read = 0

    # --- writing -------------------------------------------------------------------

    def send(self, data):
        """Writes bytes (or a list of frames); ConnectionGone if the server has closed."""
        if isinstance(data, (list, tuple)):
            data = b"".join(frame.serialize() for frame in data)
        elif isinstance(data, hf.Frame):
            data = data.serialize()
        try:
            self.sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError) as error:
            # What the server sent before it closed (its GOAWAY) is still ours to read:
            # only reading says when the connection is over.
            self.write_failed = True
            raise ConnectionGone(str(error))

    def send_burst(self, frames, chunk=64):
        """Writes frames in chunks, reading what arrived between chunks (so neither side
        blocks on a full socket). Returns how many frames went out before the server
        closed the connection."""
        sent = 0
        for start in range(0, len(frames), chunk):
            try:
                self.send(frames[start:start + chunk])
            except ConnectionGone:
                return sent
            sent += len(frames[start:start + chunk])
            self.pump(0)
            if self.closed or any(isinstance(f, hf.GoAwayFrame) for f in self.received[-8:]):
                return sent
        return sent

    def handshake(self, settings=None, ack=True, timeout=5.0):
        """Preface and SETTINGS; waits for the server's SETTINGS and acknowledges them."""
        self.send(PREFACE + hf.SettingsFrame(0, settings=settings or {}).serialize())
        frame = self.wait_for(lambda f: isinstance(f, hf.SettingsFrame) and "ACK" not in f.flags, timeout)
        if frame is None:
            raise AssertionError("no SETTINGS from the server within %.1f s" % timeout)
        self.server_settings = dict(frame.settings)
        if ack:
            self.send(hf.SettingsFrame(0, flags=["ACK"]))
        return self.server_settings

    def request_block(self, path="/index.html", method="GET", extra=()):
        """An HPACK block for a request, encoded with this connection's encoder."""
        fields = [(":method", method), (":scheme", "http"), (":authority", "127.0.0.1:%d" % self.port),
                  (":path", path)] + list(extra)
        return self.encoder.encode(fields)

    def headers_frame(self, stream, path="/index.html", method="GET", end_stream=True, extra=()):
        flags = ["END_HEADERS"] + (["END_STREAM"] if end_stream else [])
        return hf.HeadersFrame(stream, self.request_block(path, method, extra), flags=flags)

    # --- reading -------------------------------------------------------------------

    def pump(self, timeout):
        """Reads what arrives within `timeout` seconds (0: only what is there now) and
        parses whole frames. Returns the frames parsed by this call."""
        before = len(self.received)
        if self.closed:
            return []
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                if remaining <= 0:
                    self.sock.setblocking(False)
                else:
                    self.sock.settimeout(remaining)
                chunk = self.sock.recv(1 << 20)
            except (BlockingIOError, socket.timeout):
                break
            except (ConnectionResetError, BrokenPipeError, OSError):
                self.closed = True
                self.reset_by_peer = True
                break
            finally:
                self.sock.settimeout(5.0)
            if not chunk:
                self.closed = True
                break
            self.bytes_read += len(chunk)
            self.inbuf += chunk
            self._parse()
            if timeout != 0 and len(self.received) > before:
                break   # let the caller look at it; with timeout 0, drain what is there
        return self.received[before:]

    def _parse(self):
        while len(self.inbuf) >= 9:
            frame, length = hf.Frame.parse_frame_header(memoryview(bytes(self.inbuf[:9])))
            if len(self.inbuf) < 9 + length:
                return
            frame.parse_body(memoryview(bytes(self.inbuf[9:9 + length])))
            del self.inbuf[:9 + length]
            self.received.append(frame)
            self._track_headers(frame)

    def _track_headers(self, frame):
        if isinstance(frame, (hf.HeadersFrame, hf.PushPromiseFrame)):
            self._block = (frame.stream_id, bytes(frame.data))
        elif isinstance(frame, hf.ContinuationFrame) and self._block:
            self._block = (self._block[0], self._block[1] + bytes(frame.data))
        else:
            return
        if "END_HEADERS" in frame.flags:
            stream, block = self._block
            self._block = None
            self.headers.setdefault(stream, []).append(self.decoder.decode(block))

    def wait_for(self, predicate, timeout):
        """The first frame received (already or within `timeout`) matching predicate."""
        deadline = time.monotonic() + timeout
        checked = 0
        while True:
            for frame in self.received[checked:]:
                if predicate(frame):
                    return frame
            checked = len(self.received)
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed:
                return None
            self.pump(min(remaining, 0.5))

    def wait_goaway(self, timeout=5.0):
        """The server's GOAWAY (or None), waiting at most `timeout`; then whether the
        connection was closed within another second."""
        goaway = self.wait_for(lambda f: isinstance(f, hf.GoAwayFrame), timeout)
        if goaway is not None and not self.closed:
            deadline = time.monotonic() + 2.0
            while not self.closed and time.monotonic() < deadline:
                self.pump(min(0.5, max(0.0, deadline - time.monotonic())))
        return goaway

    def wait_closed(self, timeout):
        """Reads (and drops) until EOF/reset, at most `timeout` seconds; True if closed."""
        deadline = time.monotonic() + timeout
        while not self.closed and time.monotonic() < deadline:
            self.pump(min(0.5, max(0.0, deadline - time.monotonic())))
            self.received.clear()   # bounded memory even if the server streams a lot
        return self.closed

    def resets(self, code=None):
        """RST_STREAM frames received: {stream id: error code}."""
        return {f.stream_id: f.error_code for f in self.received
                if isinstance(f, hf.RstStreamFrame) and (code is None or f.error_code == code)}

    def status_of(self, stream):
        """:status of the first response head on `stream`, or None."""
        for block in self.headers.get(stream, []):
            for name, value in block:
                if name in (":status", b":status"):
                    return int(value)
        return None

    def ended_streams(self):
        """Streams that got END_STREAM from the server."""
        return {f.stream_id for f in self.received
                if isinstance(f, (hf.HeadersFrame, hf.DataFrame)) and "END_STREAM" in f.flags}

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def goaway_text(frame):
    if frame is None:
        return "no GOAWAY"
    debug = bytes(frame.additional_data).decode(errors="replace")
    return "GOAWAY %s last=%d %r" % (code_name(frame.error_code), frame.last_stream_id, debug)


def healthy_request(port, path="/index.html", budget=2.0):
    """A well-behaved client (Python's h2) fetches `path` on a new connection.
    Returns (status, body, seconds); status None if not served within `budget`."""
    start = time.monotonic()
    deadline = start + budget
    status, body = None, b""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=budget)
    except OSError:
        return None, b"", time.monotonic() - start
    try:
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        conn.initiate_connection()
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, [(":method", "GET"), (":scheme", "http"),
                                   (":authority", "127.0.0.1:%d" % port), (":path", path)], end_stream=True)
        sock.sendall(conn.data_to_send())
        done = False
        while not done:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None, body, time.monotonic() - start
            sock.settimeout(remaining)
            try:
                data = sock.recv(65536)
            except (socket.timeout, OSError):
                return None, body, time.monotonic() - start
            if not data:
                return None, body, time.monotonic() - start
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream:
                    status = int(dict(event.headers)[":status"])
                elif isinstance(event, h2.events.DataReceived) and event.stream_id == stream:
                    body += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, stream)
                elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)) and event.stream_id == stream:
                    done = True
            outgoing = conn.data_to_send()
            if outgoing:
                sock.sendall(outgoing)
        return status, body, time.monotonic() - start
    finally:
        sock.close()
