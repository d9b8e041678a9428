#!/usr/bin/env python3
"""Builds the conformance scenarios of Vectors/conformance (RFC 9113, RFC 7541): the server-role
files beside this script and the client-role files of client/ (our engine as the client, the
scenario's octets being the server's).

Every octet a scenario sends is produced here by independent code: frames by Python's
`hyperframe` 6.1.0 (frames it refuses to build, the invalid ones, are packed by hand with
struct.pack next to the RFC rule they break) and field blocks by Python's `hpack` 4.2.0
(one hpack.Encoder per scenario, since HPACK state belongs to one connection; HPACK
representations the encoder never emits are built from hpack's own integer and Huffman
coders). The expected outcome of each scenario is the RFC's, quoted in its "rfc" field.

Seeded and deterministic: running it again rewrites identical files.

    pip install hyperframe==6.1.0 hpack==4.2.0
    python3 Vectors/conformance/generate.py
    swift run h2-vectors conformance Vectors/conformance

The format is described in README.md beside this file.
"""
import json
import os
import random
import struct

import hpack
import hyperframe
from hpack.hpack import encode_integer
from hpack.huffman import HuffmanEncoder
from hpack.huffman_constants import REQUEST_CODES, REQUEST_CODES_LENGTH
from hyperframe import frame as hf

SEED = 9113
HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(SEED)

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

# Frame types and flags (RFC 9113 §6).
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM = 0x1
ACK = 0x1
END_HEADERS = 0x4
PADDED = 0x8
PRIORITY_FLAG = 0x20

# Setting identifiers (RFC 9113 §6.5.2).
HEADER_TABLE_SIZE = 0x1
ENABLE_PUSH = 0x2
MAX_CONCURRENT_STREAMS = 0x3
INITIAL_WINDOW_SIZE = 0x4
MAX_FRAME_SIZE = 0x5
MAX_HEADER_LIST_SIZE = 0x6

# Error codes (RFC 9113 §7).
CODES = {
    "NO_ERROR": 0x0, "PROTOCOL_ERROR": 0x1, "INTERNAL_ERROR": 0x2, "FLOW_CONTROL_ERROR": 0x3,
    "SETTINGS_TIMEOUT": 0x4, "STREAM_CLOSED": 0x5, "FRAME_SIZE_ERROR": 0x6, "REFUSED_STREAM": 0x7,
    "CANCEL": 0x8, "COMPRESSION_ERROR": 0x9, "CONNECT_ERROR": 0xa, "ENHANCE_YOUR_CALM": 0xb,
    "INADEQUATE_SECURITY": 0xc, "HTTP_1_1_REQUIRED": 0xd,
}

MAX_WINDOW = 2**31 - 1

# The requests scenarios send.
GET = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "example.org")]
POST = [(":method", "POST"), (":scheme", "http"), (":path", "/upload"), (":authority", "example.org")]
HEAD = [(":method", "HEAD"), (":scheme", "http"), (":path", "/"), (":authority", "example.org")]


def rand_bytes(n):
    return bytes(RNG.getrandbits(8) for _ in range(n))


# ---------------------------------------------------------------------------------------
# Frames. Valid ones come from hyperframe; `raw` packs the ones it refuses to build.

def raw(ftype, flags, stream, payload=b""):
    """A frame packed by hand: 24-bit length, type, flags, 32-bit stream field (the
    reserved bit included), payload."""
    return struct.pack(">I", len(payload))[1:] + struct.pack(">BBI", ftype, flags, stream) + payload


def settings(pairs=(), ack=False):
    pairs = list(pairs)
    identifiers = [identifier for identifier, _ in pairs]
    if len(set(identifiers)) != len(identifiers):
        # hyperframe keeps settings in a dict: a repeated identifier is packed by hand.
        return raw(SETTINGS, ACK if ack else 0, 0, b"".join(struct.pack(">HI", i, v) for i, v in pairs))
    frame = hf.SettingsFrame(0, settings=dict(pairs))
    if ack:
        frame.flags.add("ACK")
    return frame.serialize()


def settings_ack():
    return hf.SettingsFrame(0, flags=["ACK"]).serialize()


def ping(payload, ack=False):
    return hf.PingFrame(0, opaque_data=payload, flags=["ACK"] if ack else []).serialize()


def goaway(last_stream, code="NO_ERROR", debug=b""):
    value = CODES[code] if isinstance(code, str) else code
    return hf.GoAwayFrame(0, last_stream_id=last_stream, error_code=value, additional_data=debug).serialize()


def window_update(stream, increment):
    if not 1 <= increment <= MAX_WINDOW:
        # RFC 9113 §6.9: the legal range is 1 to 2^31-1; hyperframe will not build others.
        return raw(WINDOW_UPDATE, 0, stream, struct.pack(">I", increment))
    return hf.WindowUpdateFrame(stream, window_increment=increment).serialize()


def rst_stream(stream, code="CANCEL"):
    value = CODES[code] if isinstance(code, str) else code
    return hf.RstStreamFrame(stream, error_code=value).serialize()


def priority(stream, depends_on=0, weight=15, exclusive=False):
    return hf.PriorityFrame(stream, depends_on=depends_on, stream_weight=weight, exclusive=exclusive).serialize()


def data(stream, payload, end_stream=False, pad=None):
    flags = []
    if end_stream:
        flags.append("END_STREAM")
    if pad is not None:
        flags.append("PADDED")
        return hf.DataFrame(stream, payload, flags=flags, pad_length=pad).serialize()
    return hf.DataFrame(stream, payload, flags=flags).serialize()


def headers_frame(stream, block, end_stream=True, end_headers=True, pad=None, prio=None):
    flags = []
    if end_stream:
        flags.append("END_STREAM")
    if end_headers:
        flags.append("END_HEADERS")
    kwargs = {}
    if pad is not None:
        flags.append("PADDED")
        kwargs["pad_length"] = pad
    if prio is not None:
        flags.append("PRIORITY")
        kwargs["depends_on"], kwargs["stream_weight"], kwargs["exclusive"] = prio
    return hf.HeadersFrame(stream, block, flags=flags, **kwargs).serialize()


def continuation(stream, block, end_headers=True):
    return hf.ContinuationFrame(stream, block, flags=["END_HEADERS"] if end_headers else []).serialize()


def push_promise(stream, promised, block, end_headers=True):
    return hf.PushPromiseFrame(stream, promised_stream_id=promised, data=block,
                               flags=["END_HEADERS"] if end_headers else []).serialize()


def extension(ftype, stream, flag_byte=0, body=b""):
    frame = hf.ExtensionFrame(ftype, stream, flag_byte=flag_byte, body=body)
    # hyperframe's ExtensionFrame.serialize writes `body_len`, which only parsing sets.
    frame.body_len = len(body)
    return frame.serialize()


def with_flags(frame, extra):
    """The same frame with extra (unused) flag bits set."""
    return frame[:4] + bytes([frame[4] | extra]) + frame[5:]


def with_reserved_bit(frame):
    """The same frame with the reserved bit of the stream identifier set (RFC 9113 §4.1)."""
    return frame[:5] + bytes([frame[5] | 0x80]) + frame[6:]


# ---------------------------------------------------------------------------------------
# HPACK representations the encoder does not choose by itself, from hpack's own coders.

HUFFMAN = HuffmanEncoder(REQUEST_CODES, REQUEST_CODES_LENGTH)


def hint(value, prefix_bits, pattern=0):
    out = bytearray(encode_integer(value, prefix_bits))
    out[0] |= pattern
    return bytes(out)


def hstring(text, huffman=False):
    raw_bytes = text.encode("latin-1") if isinstance(text, str) else text
    if huffman:
        body = HUFFMAN.encode(raw_bytes)
        return hint(len(body), 7, 0x80) + body
    return hint(len(raw_bytes), 7) + raw_bytes


def indexed(index):
    return hint(index, 7, 0x80)


def literal(kind, value, name=None, index=0, huffman=False):
    """RFC 7541 §6.2: kind is "incremental" (01, 6-bit index), "without" (0000) or
    "never" (0001, 4-bit index); a new name when `name` is given, else name `index`."""
    prefix, pattern = {"incremental": (6, 0x40), "without": (4, 0x00), "never": (4, 0x10)}[kind]
    out = hint(0 if name is not None else index, prefix, pattern)
    if name is not None:
        out += hstring(name, huffman)
    return out + hstring(value, huffman)


def size_update(size):
    return hint(size, 5, 0x20)


# A GET request from static-table references only (RFC 7541 Appendix A): :method GET (2),
# :scheme http (6), :path / (4), :authority (name 1) without indexing. It leaves the
# dynamic table untouched.
STATIC_GET = indexed(2) + indexed(6) + indexed(4) + literal("without", "example.org", index=1)


# ---------------------------------------------------------------------------------------
# Expectations (README.md describes each kind).

def connection_error(code):
    return {"connection_error": {"code": code}}


def rst(stream, code):
    return {"rst_stream": {"stream": stream, "code": code}}


def stream_error(stream, *codes):
    """RFC 9113 §5.4.2 stream error; §5.4.1 lets an endpoint treat it as a connection error."""
    options = [rst(stream, code) for code in codes] + [connection_error(code) for code in codes]
    return {"any_of": options}


def response(stream, status="200"):
    return {"response": {"stream": stream, "status": status}}


def data_frame(stream, length, end_stream=None):
    body = {"stream": stream, "length": length}
    if end_stream is not None:
        body["end_stream"] = end_stream
    return {"data": body}


def data_total(stream, length):
    return {"data_total": {"stream": stream, "length": length}}


def no_error():
    return {"no_error": {}}


def ping_ack(payload):
    return {"ping_ack": {"payload": payload.hex()}}


def settings_acks(count=None):
    return {"settings_ack": {} if count is None else {"count": count}}


def request(stream, fields=None, end_stream=None):
    body = {"stream": stream}
    if fields is not None:
        body["fields"] = [[name, value] for name, value in fields]
    if end_stream is not None:
        body["end_stream"] = end_stream
    return {"request": body}


def frame_of(ftype=None, stream=None):
    body = {}
    if ftype is not None:
        body["type"] = ftype
    if stream is not None:
        body["stream"] = stream
    return {"frame": body}


def closed():
    return {"closed": {}}


def no_frames():
    return {"no_frames": {}}


def not_(expectation):
    return {"not": expectation}


def any_of(*options):
    return {"any_of": list(options)}


def all_of(*parts):
    return {"all_of": list(parts)}


def goaway_any():
    return {"goaway": {}}


# ---------------------------------------------------------------------------------------
# Scenarios.

class Case:
    """One scenario: a server connection fed the steps' bytes in order."""

    def __init__(self, cid, title, rfc, server_settings=None, server_config=None, respond=None,
                 response_body_length=None, client_header_table_size=None):
        self.id = cid
        self.title = title
        self.rfc = rfc
        self.encoder = hpack.Encoder()
        self.steps = []
        self.expectation = None
        self.options = {}
        if server_settings:
            self.options["server_settings"] = server_settings
        if server_config:
            self.options["server_config"] = server_config
        if respond:
            self.options["respond"] = respond
        if response_body_length is not None:
            self.options["response_body_length"] = response_body_length
        if client_header_table_size is not None:
            self.options["client_header_table_size"] = client_header_table_size

    # Field blocks, always through this scenario's encoder, in the order they are sent.
    def block(self, fields, huffman=True):
        return self.encoder.encode(fields, huffman=huffman)

    def headers(self, stream, fields=GET, end_stream=True, end_headers=True, pad=None, prio=None, extra=b""):
        return headers_frame(stream, self.block(fields) + extra, end_stream, end_headers, pad, prio)

    def step(self, *parts, expect=None, note=None, setup=False):
        entry = {"send": b"".join(parts).hex()}
        if note:
            entry["note"] = note
        if setup:
            entry["setup"] = True
        if expect is not None:
            entry["expect"] = expect
        self.steps.append(entry)
        return self

    def handshake(self, pairs=(), note=None):
        """The client preface, the client's SETTINGS and the ACK of the server's SETTINGS."""
        return self.step(PREFACE, settings(pairs), settings_ack(), setup=True,
                         note=note or "preface, SETTINGS, SETTINGS ACK")

    def liveness(self):
        """Sends a PING; returns the expectation that the connection is alive and clean."""
        payload = rand_bytes(8)
        self.step(ping(payload), note="PING to show the connection is still alive")
        return all_of(no_error(), ping_ack(payload))

    def expect(self, expectation):
        self.expectation = expectation
        return self

    def to_json(self):
        assert self.expectation is not None, self.id
        out = {"id": self.id, "title": self.title, "rfc": self.rfc}
        out.update(self.options)
        out["steps"] = self.steps
        out["expect"] = self.expectation
        return out


FILES = []
# Files whose scenarios run in another role than the server's (default): filename -> role.
ROLES = {}


def section(filename, number, title):
    cases = []
    FILES.append((filename, number, title, cases))
    return cases


def counter(prefix, cases):
    def make(title, rfc, **options):
        case = Case(f"{prefix}/{len(cases) + 1}", title, rfc, **options)
        cases.append(case)
        return case
    return make


# ---------------------------------------------------------------------------------------
# §3 Starting HTTP/2

def section_3():
    cases = section("3-starting.json", "3", "Starting HTTP/2: the connection preface (RFC 9113 §3.4)")
    new = counter("3.4", cases)

    c = new("server sends SETTINGS as its first frame",
            "The server connection preface consists of a potentially empty SETTINGS frame (Section 6.5) "
            "that MUST be the first frame the server sends in the HTTP/2 connection.")
    c.step(PREFACE, settings())
    c.expect({"first_frame": {"type": "SETTINGS", "ack": False}})

    c = new("the client's preface SETTINGS is acknowledged",
            "The SETTINGS frames received from a peer as part of the connection preface MUST be "
            "acknowledged (see Section 6.5.3) after sending the connection preface.")
    c.step(PREFACE, settings([(MAX_CONCURRENT_STREAMS, 100), (INITIAL_WINDOW_SIZE, 65535)]))
    c.expect(all_of(settings_acks(1), no_error()))

    c = new("invalid connection preface",
            "Clients and servers MUST treat an invalid connection preface as a connection error "
            "(Section 5.4.1) of type PROTOCOL_ERROR. A GOAWAY frame (Section 6.8) MAY be omitted in this case")
    c.step(b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n", settings())
    c.expect(any_of(connection_error("PROTOCOL_ERROR"), all_of(closed(), not_(goaway_any()))))

    c = new("an HTTP/1.1 request instead of the preface",
            "Clients and servers MUST treat an invalid connection preface as a connection error "
            "(Section 5.4.1) of type PROTOCOL_ERROR.")
    c.step(b"GET / HTTP/1.1\r\nHost: example.org\r\n\r\n")
    c.expect(any_of(connection_error("PROTOCOL_ERROR"), all_of(closed(), not_(goaway_any()))))

    c = new("preface cut in two, the second part wrong",
            "Clients and servers MUST treat an invalid connection preface as a connection error "
            "(Section 5.4.1) of type PROTOCOL_ERROR.")
    c.step(PREFACE[:10], note="a correct first part", expect=not_(goaway_any()))
    c.step(b"HTTP/1.1\r\n\r\nSM\r\n\r\n", settings())
    c.expect(any_of(connection_error("PROTOCOL_ERROR"), all_of(closed(), not_(goaway_any()))))

    c = new("preface not followed by SETTINGS (PING)",
            "That is, the connection preface starts with the string \"PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n\". "
            "This sequence MUST be followed by a SETTINGS frame (Section 6.5); an invalid preface is a "
            "connection error of type PROTOCOL_ERROR.")
    c.step(PREFACE, ping(rand_bytes(8)))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("preface not followed by SETTINGS (HEADERS)",
            "This sequence MUST be followed by a SETTINGS frame (Section 6.5); an invalid preface is a "
            "connection error of type PROTOCOL_ERROR.")
    c.step(PREFACE, c.headers(1))
    c.expect(all_of(connection_error("PROTOCOL_ERROR"), not_(response(1))))

    c = new("preface delivered one octet at a time",
            "The client connection preface starts with a sequence of 24 octets ... This sequence MUST be "
            "followed by a SETTINGS frame (Section 6.5), which MAY be empty.")
    for octet in PREFACE:
        c.step(bytes([octet]))
    c.step(settings(), settings_ack())
    c.expect(all_of(settings_acks(1), no_error()))

    c = new("frames right after the preface, before the server's SETTINGS is seen",
            "To avoid unnecessary latency, clients are permitted to send additional frames to the server "
            "immediately after sending the client connection preface, without waiting to receive the "
            "server connection preface.")
    c.step(PREFACE, settings(), c.headers(1), settings_ack())
    c.expect(all_of(response(1), settings_acks(1), no_error()))

    c = new("empty SETTINGS in the preface",
            "This sequence MUST be followed by a SETTINGS frame (Section 6.5), which MAY be empty.")
    c.step(PREFACE, settings(), settings_ack(), c.headers(1))
    c.expect(all_of(response(1), no_error()))


# ---------------------------------------------------------------------------------------
# §4 HTTP Frames

def section_4():
    cases = section("4-frames.json", "4", "HTTP frames: format, size, field blocks (RFC 9113 §4.1-§4.3)")

    new = counter("4.1", cases)
    c = new("frame of unknown type on stream 0 is ignored",
            "Implementations MUST ignore and discard frames of unknown types.")
    c.handshake()
    c.step(extension(0x16, 0, 0, rand_bytes(8)))
    c.expect(c.liveness())

    c = new("frame of unknown type on an idle stream is ignored",
            "Implementations MUST ignore and discard frames of unknown types.")
    c.handshake()
    c.step(extension(0x2a, 7, 0xff, rand_bytes(16)))
    c.step(c.headers(1), note="stream 1 still opens: the unknown frame did not use stream 7")
    c.expect(all_of(response(1), c.liveness()))

    c = new("PING with undefined flags is answered",
            "Unused flags MUST be ignored on receipt and MUST be left unset (0x00) when sending.")
    c.handshake()
    payload = rand_bytes(8)
    c.step(with_flags(ping(payload), 0xfe))
    c.expect(all_of(ping_ack(payload), no_error()))

    c = new("HEADERS and DATA with undefined flags",
            "Unused flags MUST be ignored on receipt and MUST be left unset (0x00) when sending.")
    c.handshake()
    c.step(with_flags(c.headers(1, POST, end_stream=False), 0x02 | 0x10 | 0x40 | 0x80))
    c.step(with_flags(data(1, b"hello", end_stream=True), 0x02 | 0x04 | 0x10 | 0x20 | 0x40 | 0x80))
    c.expect(all_of(response(1), request(1, [(":method", "POST")]), no_error()))

    c = new("SETTINGS with undefined flags is acknowledged",
            "Unused flags MUST be ignored on receipt and MUST be left unset (0x00) when sending.")
    c.handshake()
    c.step(with_flags(settings([(MAX_CONCURRENT_STREAMS, 50)]), 0xfe))
    c.expect(all_of(settings_acks(1), no_error()))

    c = new("PING with the reserved bit set is answered",
            "Reserved: A reserved 1-bit field. The semantics of this bit are undefined, and the bit MUST "
            "remain unset (0x00) when sending and MUST be ignored when receiving.")
    c.handshake()
    payload = rand_bytes(8)
    c.step(with_reserved_bit(ping(payload)))
    c.expect(all_of(ping_ack(payload), no_error()))

    c = new("HEADERS with the reserved bit set opens the stream",
            "the bit MUST remain unset (0x00) when sending and MUST be ignored when receiving.")
    c.handshake()
    c.step(with_reserved_bit(c.headers(1)))
    c.expect(all_of(response(1), no_error()))

    c = new("frames the server sends have no reserved bit and no undefined flags",
            "Unused flags ... MUST be left unset (0x00) when sending. ... the bit MUST remain unset (0x00) "
            "when sending")
    c.handshake()
    payload = rand_bytes(8)
    c.step(c.headers(1), ping(payload))
    c.expect(all_of(response(1), ping_ack(payload), {"clean_frames": {}}))

    new = counter("4.2", cases)
    c = new("DATA of 2^14 octets is accepted",
            "All implementations MUST be capable of receiving and minimally processing frames up to "
            "2^14 octets in length, plus the 9-octet frame header (Section 4.1).")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, rand_bytes(16384), end_stream=True))
    c.expect(all_of(response(1), no_error()))

    c = new("DATA larger than SETTINGS_MAX_FRAME_SIZE",
            "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the size defined "
            "in SETTINGS_MAX_FRAME_SIZE")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, rand_bytes(16385), end_stream=True))
    c.expect(stream_error(1, "FRAME_SIZE_ERROR"))

    c = new("HEADERS larger than SETTINGS_MAX_FRAME_SIZE",
            "A frame size error in a frame that could alter the state of the entire connection MUST be "
            "treated as a connection error (Section 5.4.1); this includes any frame carrying a field block "
            "(Section 4.3) (that is, HEADERS, PUSH_PROMISE, and CONTINUATION)")
    c.handshake()
    big = [("x-filler-%d" % i, "v" * 100) for i in range(160)]
    block = c.block(GET + big, huffman=False)
    assert len(block) > 16384
    c.step(headers_frame(1, block))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("CONTINUATION larger than SETTINGS_MAX_FRAME_SIZE",
            "A frame size error in a frame that could alter the state of the entire connection MUST be "
            "treated as a connection error (Section 5.4.1); this includes any frame carrying a field block")
    c.handshake()
    block = c.block(GET + big, huffman=False)
    c.step(headers_frame(1, block[:100], end_headers=False), continuation(1, block[100:]))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("SETTINGS larger than SETTINGS_MAX_FRAME_SIZE",
            "A frame size error in a frame that could alter the state of the entire connection MUST be "
            "treated as a connection error (Section 5.4.1); this includes ... a SETTINGS frame")
    c.handshake()
    c.step(raw(SETTINGS, 0, 0, struct.pack(">HI", 0xf0f0, 1) * 2731))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("PING larger than SETTINGS_MAX_FRAME_SIZE",
            "A frame size error in a frame that could alter the state of the entire connection MUST be "
            "treated as a connection error (Section 5.4.1); this includes ... any frame with a stream "
            "identifier of 0.")
    c.handshake()
    c.step(raw(PING, 0, 0, bytes(16385)))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("unknown frame larger than SETTINGS_MAX_FRAME_SIZE on stream 0",
            "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the size defined "
            "in SETTINGS_MAX_FRAME_SIZE ... any frame with a stream identifier of 0 [is a connection error]")
    c.handshake()
    c.step(extension(0x21, 0, 0, bytes(16385)))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("DATA up to the server's larger SETTINGS_MAX_FRAME_SIZE is accepted",
            "The size of a frame payload is limited by the maximum size that a receiver advertises in the "
            "SETTINGS_MAX_FRAME_SIZE setting. This setting can have any value between 2^14 (16,384) and "
            "2^24-1 (16,777,215) octets, inclusive.",
            server_settings={"max_frame_size": 32768})
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, rand_bytes(32768), end_stream=True))
    c.expect(all_of(response(1), no_error()))

    c = new("DATA over the server's larger SETTINGS_MAX_FRAME_SIZE",
            "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the size defined "
            "in SETTINGS_MAX_FRAME_SIZE",
            server_settings={"max_frame_size": 32768})
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, rand_bytes(32769), end_stream=True))
    c.expect(stream_error(1, "FRAME_SIZE_ERROR"))

    c = new("the server sends no frame over 2^14 octets unless allowed",
            "Values greater than 2^14 (16,384) MUST NOT be sent unless the receiver has set a larger value "
            "for SETTINGS_MAX_FRAME_SIZE.",
            response_body_length=40000)
    c.handshake()
    c.step(c.headers(1))
    c.expect(all_of(response(1), data_total(1, 40000), {"max_frame_length": {"length": 16384}}))

    c = new("the server may send larger frames once the client allows them",
            "The size of a frame payload is limited by the maximum size that a receiver advertises in the "
            "SETTINGS_MAX_FRAME_SIZE setting.",
            response_body_length=40000)
    c.handshake([(MAX_FRAME_SIZE, 65536), (INITIAL_WINDOW_SIZE, 65536)])
    c.step(window_update(0, 100000), c.headers(1))
    c.expect(all_of(response(1), data_total(1, 40000), {"max_frame_length": {"length": 65536}}))

    new = counter("4.3", cases)
    c = new("invalid field block fragment",
            "A decoding error in a field block MUST be treated as a connection error (Section 5.4.1) of "
            "type COMPRESSION_ERROR.")
    c.handshake()
    # A literal with a new name announcing 5 octets of name, only 3 present: truncated.
    c.step(headers_frame(1, STATIC_GET + b"\x00\x05abc"))
    c.expect(connection_error("COMPRESSION_ERROR"))

    c = new("PRIORITY between HEADERS and CONTINUATION",
            "Field blocks MUST be transmitted as a contiguous sequence of frames, with no interleaved frames "
            "of any other type or from any other stream. [RFC 9113 §6.2: a receiver MUST treat the receipt "
            "of any other type of frame ... as a connection error of type PROTOCOL_ERROR]")
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:2], end_headers=False), priority(1, 0, 200), continuation(1, block[2:]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("HEADERS of another stream inside a field block",
            "Field blocks MUST be transmitted as a contiguous sequence of frames, with no interleaved frames "
            "of any other type or from any other stream.")
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:2], end_headers=False), headers_frame(3, STATIC_GET))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("DATA inside a field block",
            "Field blocks MUST be transmitted as a contiguous sequence of frames, with no interleaved frames "
            "of any other type or from any other stream.")
    c.handshake()
    block = c.block(POST)
    c.step(headers_frame(1, block[:2], end_stream=False, end_headers=False), data(1, b"x"))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("field block split over HEADERS and CONTINUATION frames",
            "A receiving endpoint reassembles the field block by concatenating its fragments and then "
            "decompresses the block to reconstruct the field section.")
    c.handshake()
    fields = GET + [("x-split", "across-frames"), ("user-agent", "h2-conformance")]
    block = c.block(fields)
    c.step(headers_frame(1, block[:3], end_headers=False), continuation(1, block[3:7], end_headers=False),
           continuation(1, block[7:]))
    c.expect(all_of(response(1), request(1, fields), no_error()))

    c = new("compression state carries across requests",
            "Each endpoint has an HPACK encoder context and an HPACK decoder context that are used for "
            "encoding and decoding all field blocks on a connection.")
    c.handshake()
    fields = GET + [("x-session", "0123456789abcdef")]
    c.step(c.headers(1, fields), c.headers(3, fields), c.headers(5, fields))
    c.expect(all_of(response(1), response(3), response(5), request(5, fields), no_error()))

    c = new("a refused stream's field block is still decoded",
            "An endpoint receiving HEADERS, PUSH_PROMISE, or CONTINUATION frames needs to reassemble field "
            "blocks and perform decompression even if the frames are to be discarded.",
            server_settings={"max_concurrent_streams": 1})
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), note="stream 1 stays open: the one slot is taken")
    added = GET + [("x-only-in-refused", "table-entry")]
    c.step(c.headers(3, added), note="stream 3 is refused, its literals still enter the table",
           expect=stream_error(3, "REFUSED_STREAM", "PROTOCOL_ERROR"))
    c.step(data(1, b"done", end_stream=True))
    c.step(c.headers(5, added), note="stream 5 reuses the entries stream 3 added")
    c.expect(all_of(response(1), response(5), request(5, added), not_(goaway_any())))

    c = new("reduced SETTINGS_HEADER_TABLE_SIZE requires a size update",
            "An endpoint MUST treat a field block that follows an acknowledgment of the reduction to the "
            "maximum dynamic table size as a connection error (Section 5.4.1) of type COMPRESSION_ERROR if "
            "it does not start with a conformant Dynamic Table Size Update instruction.",
            server_settings={"header_table_size": 256})
    c.handshake(note="preface, SETTINGS, and the ACK of the server's SETTINGS_HEADER_TABLE_SIZE = 256")
    c.step(headers_frame(1, STATIC_GET))
    c.expect(connection_error("COMPRESSION_ERROR"))

    c = new("reduced SETTINGS_HEADER_TABLE_SIZE with a conformant size update",
            "its HPACK encoder MUST start the next field block with a Dynamic Table Size Update instruction "
            "that sets the dynamic table to a size that is less than or equal to the reduced maximum",
            server_settings={"header_table_size": 256})
    c.handshake(note="preface, SETTINGS, and the ACK of the server's SETTINGS_HEADER_TABLE_SIZE = 256")
    c.encoder.header_table_size = 256
    c.step(c.headers(1, GET + [("x-small-table", "yes")]))
    c.step(c.headers(3, GET + [("x-small-table", "yes")]))
    c.expect(all_of(response(1), response(3), no_error()))

    c = new("size update above a reduced, acknowledged limit",
            "An endpoint MUST treat a field block that follows an acknowledgment of the reduction ... if it "
            "does not start with a conformant Dynamic Table Size Update instruction [as a connection error "
            "of type COMPRESSION_ERROR].",
            server_settings={"header_table_size": 256})
    c.handshake(note="preface, SETTINGS, and the ACK of the server's SETTINGS_HEADER_TABLE_SIZE = 256")
    c.step(headers_frame(1, size_update(512) + STATIC_GET))
    c.expect(connection_error("COMPRESSION_ERROR"))


# ---------------------------------------------------------------------------------------
# §5.1 Stream states

def section_5_1():
    cases = section("5.1-stream-states.json", "5.1", "Stream states (RFC 9113 §5.1)")
    new = counter("5.1", cases)

    c = new("idle: DATA",
            "Receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as "
            "a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(data(1, b"hello", end_stream=True))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("idle: RST_STREAM",
            "Receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as "
            "a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(rst_stream(1, "CANCEL"))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("idle: WINDOW_UPDATE",
            "Receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as "
            "a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(window_update(1, 100))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("idle: CONTINUATION",
            "Receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as "
            "a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(continuation(1, STATIC_GET))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("idle: PRIORITY is allowed",
            "Receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as "
            "a connection error ... Note that PRIORITY can be sent and received in any stream state.")
    c.handshake()
    c.step(priority(3, 0, 100))
    c.expect(c.liveness())

    c = new("idle: HEADERS on a server-initiated (even) stream",
            "If this stream is initiated by the server, as described in Section 5.1.1, then receiving a "
            "HEADERS frame MUST also be treated as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(2))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("half-closed (remote): DATA",
            "If an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY, or RST_STREAM, "
            "for a stream that is in this state, it MUST respond with a stream error (Section 5.4.2) of "
            "type STREAM_CLOSED.",
            respond="never")
    c.handshake()
    c.step(c.headers(1), data(1, b"late", end_stream=True))
    c.expect(stream_error(1, "STREAM_CLOSED"))

    c = new("half-closed (remote): HEADERS",
            "If an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY, or RST_STREAM, "
            "for a stream that is in this state, it MUST respond with a stream error (Section 5.4.2) of "
            "type STREAM_CLOSED.",
            respond="never")
    c.handshake()
    c.step(c.headers(1), c.headers(1, [("x-trailer", "late")]))
    c.expect(stream_error(1, "STREAM_CLOSED"))

    c = new("half-closed (remote): CONTINUATION",
            "A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame without "
            "the END_HEADERS flag set. [§5.1: other frames on a half-closed (remote) stream are a stream "
            "error STREAM_CLOSED]",
            respond="never")
    c.handshake()
    c.step(c.headers(1), continuation(1, STATIC_GET))
    c.expect(any_of(connection_error("PROTOCOL_ERROR"), stream_error(1, "STREAM_CLOSED")))

    c = new("half-closed (remote): WINDOW_UPDATE is allowed",
            "If an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY, or RST_STREAM ... "
            "[WINDOW_UPDATE is not an error]. A receiver MUST NOT treat this as an error (Section 6.9).",
            respond="never")
    c.handshake()
    c.step(c.headers(1), window_update(1, 1000))
    c.expect(c.liveness())

    c = new("half-closed (remote): PRIORITY is allowed",
            "If an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY, or RST_STREAM ... "
            "it MUST respond with a stream error [PRIORITY is allowed].",
            respond="never")
    c.handshake()
    c.step(c.headers(1), priority(1, 0, 30))
    c.expect(c.liveness())

    c = new("half-closed (remote): RST_STREAM is allowed",
            "If an endpoint receives additional frames, other than WINDOW_UPDATE, PRIORITY, or RST_STREAM ... "
            "To avoid looping, an endpoint MUST NOT send a RST_STREAM in response to a RST_STREAM frame.",
            respond="never")
    c.handshake()
    c.step(c.headers(1), rst_stream(1, "CANCEL"))
    c.expect(c.liveness())

    c = new("half-closed (local): DATA is received",
            "An endpoint can receive any type of frame in this state.",
            respond="headers")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), expect=response(1))
    c.step(data(1, b"body after the response", end_stream=True))
    c.expect(c.liveness())

    c = new("half-closed (local): trailers are received",
            "An endpoint can receive any type of frame in this state.",
            respond="headers")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), expect=response(1))
    c.step(data(1, b"part"), c.headers(1, [("x-checksum", "abc")], end_stream=True))
    c.expect(c.liveness())

    c = new("closed: DATA after the client's RST_STREAM",
            "An endpoint that receives any frame other than PRIORITY after receiving a RST_STREAM MUST treat "
            "that as a stream error (Section 5.4.2) of type STREAM_CLOSED. [§6.1: If a DATA frame is "
            "received whose stream is not in the \"open\" or \"half-closed (local)\" state, the recipient "
            "MUST respond with a stream error (Section 5.4.2) of type STREAM_CLOSED.]")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), rst_stream(1, "CANCEL"), data(1, b"after reset"))
    c.expect(stream_error(1, "STREAM_CLOSED"))

    c = new("closed: HEADERS after the client's RST_STREAM",
            "An endpoint MUST NOT send frames other than PRIORITY on a closed stream. An endpoint MAY treat "
            "receipt of any other type of frame on a closed stream as a connection error (Section 5.4.1) "
            "of type STREAM_CLOSED")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), rst_stream(1, "CANCEL"),
           c.headers(1, [("x-trailer", "1")], end_stream=True))
    c.expect(any_of(stream_error(1, "STREAM_CLOSED"), connection_error("PROTOCOL_ERROR")))

    c = new("closed: CONTINUATION after the client's RST_STREAM",
            "A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame without "
            "the END_HEADERS flag set. A recipient that observes violation of this rule MUST respond with a "
            "connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), rst_stream(1, "CANCEL"), continuation(1, STATIC_GET))
    c.expect(any_of(connection_error("PROTOCOL_ERROR"), stream_error(1, "STREAM_CLOSED")))

    c = new("closed: DATA after both sides ended the stream",
            "If a DATA frame is received whose stream is not in the \"open\" or \"half-closed (local)\" state, "
            "the recipient MUST respond with a stream error (Section 5.4.2) of type STREAM_CLOSED.")
    c.handshake()
    c.step(c.headers(1), expect=response(1))
    c.step(data(1, b"too late"))
    c.expect(stream_error(1, "STREAM_CLOSED"))

    c = new("closed: HEADERS after both sides ended the stream",
            "An endpoint MAY treat receipt of any other type of frame on a closed stream as a connection "
            "error (Section 5.4.1) of type STREAM_CLOSED [§5.1.1: stream identifiers cannot be reused]")
    c.handshake()
    c.step(c.headers(1), expect=response(1))
    c.step(c.headers(1))
    c.expect(any_of(stream_error(1, "STREAM_CLOSED"), connection_error("PROTOCOL_ERROR")))

    c = new("closed: CONTINUATION after both sides ended the stream",
            "A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame without "
            "the END_HEADERS flag set. A recipient that observes violation of this rule MUST respond with a "
            "connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(1), expect=response(1))
    c.step(continuation(1, STATIC_GET))
    c.expect(any_of(connection_error("PROTOCOL_ERROR"), stream_error(1, "STREAM_CLOSED")))

    c = new("closed: WINDOW_UPDATE right after the stream ended is not an error",
            "An endpoint that sends a frame with the END_STREAM flag set or a RST_STREAM frame might receive "
            "a WINDOW_UPDATE or RST_STREAM frame from its peer in the time before the peer receives and "
            "processes the frame that closes the stream. [§6.9: A receiver MUST NOT treat this as an error]")
    c.handshake()
    c.step(c.headers(1), expect=response(1))
    c.step(window_update(1, 500))
    c.expect(c.liveness())

    c = new("closed: RST_STREAM right after the stream ended is not an error",
            "An endpoint that sends a frame with the END_STREAM flag set ... might receive a WINDOW_UPDATE or "
            "RST_STREAM frame from its peer [and] MUST NOT send a RST_STREAM in response to a RST_STREAM frame.")
    c.handshake()
    c.step(c.headers(1), expect=response(1))
    c.step(rst_stream(1, "CANCEL"))
    c.expect(c.liveness())

    c = new("closed: PRIORITY is allowed",
            "An endpoint MUST NOT send frames other than PRIORITY on a closed stream. ... Note that PRIORITY "
            "can be sent and received in any stream state.")
    c.handshake()
    c.step(c.headers(1), expect=response(1))
    c.step(priority(1, 0, 40))
    c.expect(c.liveness())

    c = new("closed by the server's RST_STREAM: DATA in flight is discarded",
            "An endpoint that sends a RST_STREAM frame on a stream that is in the \"open\" or \"half-closed "
            "(local)\" state could receive any type of frame. ... An endpoint MUST minimally process and "
            "then discard any frames it receives in this state.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, 0),
           note="WINDOW_UPDATE increment 0: the server resets stream 1 (PROTOCOL_ERROR)",
           expect=rst(1, "PROTOCOL_ERROR"))
    c.step(data(1, rand_bytes(100)), data(1, b"", end_stream=True),
           note="frames the client sent before it saw the RST_STREAM",
           expect=not_(goaway_any()))
    payload = rand_bytes(8)
    c.step(ping(payload), note="PING to show the connection is still alive")
    c.expect(all_of(not_(goaway_any()), ping_ack(payload)))

    c = new("closed by the server's RST_STREAM: HEADERS in flight updates the compression state",
            "An endpoint MUST minimally process and then discard any frames it receives in this state. This "
            "means updating header compression state for HEADERS and PUSH_PROMISE frames.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, 0),
           note="WINDOW_UPDATE increment 0: the server resets stream 1 (PROTOCOL_ERROR)",
           expect=rst(1, "PROTOCOL_ERROR"))
    trailer = [("x-trailer-in-flight", "adds-a-table-entry")]
    c.step(c.headers(1, trailer, end_stream=True), note="trailers the client sent before it saw the RST_STREAM",
           expect=not_(goaway_any()))
    fields = GET + trailer
    c.step(c.headers(3, fields), note="refers to the entry the discarded trailers added")
    c.expect(all_of(response(3), request(3, fields), not_(goaway_any())))

    c = new("closed by the server's RST_STREAM: DATA still counts toward the connection window",
            "Additionally, the content of DATA frames counts toward the connection flow-control window.",
            server_config={"connection_window": 65535, "returns_credit_automatically": False})
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, 0),
           note="WINDOW_UPDATE increment 0: the server resets stream 1 (PROTOCOL_ERROR)",
           expect=rst(1, "PROTOCOL_ERROR"))
    c.step(data(1, rand_bytes(16384)), data(1, rand_bytes(16384)), data(1, rand_bytes(16384)),
           data(1, rand_bytes(16383)), note="65535 octets discarded on stream 1")
    c.step(c.headers(3, POST, end_stream=False), data(3, rand_bytes(100), end_stream=True),
           note="100 more octets than the connection window the server advertised, unless it returned "
                "the discarded octets' credit with WINDOW_UPDATE")
    c.expect(any_of(connection_error("FLOW_CONTROL_ERROR"),
                    all_of(frame_of("WINDOW_UPDATE", 0), not_(goaway_any()))))

    c = new("skipped stream identifiers are closed",
            "When a stream transitions out of the \"idle\" state, all streams in the \"idle\" state that "
            "might have been opened by the peer with a lower-valued stream identifier immediately "
            "transition to \"closed\". [§6.1: DATA on a stream not open or half-closed (local) is a stream "
            "error STREAM_CLOSED]")
    c.handshake()
    c.step(c.headers(5), expect=response(5))
    c.step(data(3, b"never opened"))
    c.expect(any_of(stream_error(3, "STREAM_CLOSED"), connection_error("PROTOCOL_ERROR")))

    c = new("open: RST_STREAM from the client ends the stream quietly",
            "Either endpoint can send a RST_STREAM frame from this state, causing it to transition "
            "immediately to \"closed\". ... To avoid looping, an endpoint MUST NOT send a RST_STREAM in "
            "response to a RST_STREAM frame.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"partial"), rst_stream(1, "CANCEL"))
    c.expect(all_of(not_(frame_of("RST_STREAM")), c.liveness()))

    c = new("open: HEADERS, DATA, END_STREAM then a response",
            "A stream in the \"open\" state may be used by both peers to send frames of any type.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"one "), data(1, b"two", end_stream=True))
    c.expect(all_of(response(1), data_frame(1, 2, end_stream=True), no_error()))


# ---------------------------------------------------------------------------------------
# §5.1.1 Stream identifiers, §5.1.2 concurrency

def section_5_1_1():
    cases = section("5.1.1-stream-ids.json", "5.1.1", "Stream identifiers (RFC 9113 §5.1.1)")
    new = counter("5.1.1", cases)

    c = new("even-numbered stream identifier from the client",
            "Streams initiated by a client MUST use odd-numbered stream identifiers ... An endpoint that "
            "receives an unexpected stream identifier MUST respond with a connection error (Section 5.4.1) "
            "of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(2))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("stream identifier smaller than a previous one",
            "The identifier of a newly established stream MUST be numerically greater than all streams that "
            "the initiating endpoint has opened or reserved. ... An endpoint that receives an unexpected "
            "stream identifier MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(5), expect=response(5))
    c.step(c.headers(3))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("stream identifier smaller than a previous one, that stream still open",
            "The identifier of a newly established stream MUST be numerically greater than all streams that "
            "the initiating endpoint has opened or reserved.")
    c.handshake()
    c.step(c.headers(5, POST, end_stream=False), c.headers(3))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("stream identifier reused after the stream closed",
            "Stream identifiers cannot be reused. ... An endpoint that receives an unexpected stream "
            "identifier MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(1), c.headers(3), expect=all_of(response(1), response(3)))
    c.step(c.headers(1))
    c.expect(any_of(connection_error("PROTOCOL_ERROR"), stream_error(1, "STREAM_CLOSED")))

    c = new("HEADERS on stream 0",
            "A stream identifier of zero (0x00) is used for connection control messages; the stream "
            "identifier of zero cannot be used to establish a new stream. [§6.2: If a HEADERS frame is "
            "received whose Stream Identifier field is 0x00, the recipient MUST respond with a connection "
            "error (Section 5.4.1) of type PROTOCOL_ERROR.]")
    c.handshake()
    c.step(raw(HEADERS, END_HEADERS | END_STREAM, 0, c.block(GET)))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("skipping stream identifiers is allowed",
            "That is, an endpoint may skip a stream identifier, with the effect being that the skipped "
            "stream is immediately closed.")
    c.handshake()
    c.step(c.headers(1), c.headers(7), c.headers(21))
    c.expect(all_of(response(1), response(7), response(21), no_error()))

    c = new("the largest stream identifier, 2^31-1",
            "Streams are identified by an unsigned 31-bit integer.")
    c.handshake()
    c.step(c.headers(MAX_WINDOW))
    c.expect(all_of(response(MAX_WINDOW), no_error()))

    c = new("several requests in increasing order in one read",
            "The identifier of a newly established stream MUST be numerically greater than all streams that "
            "the initiating endpoint has opened or reserved.")
    c.handshake()
    c.step(c.headers(1), c.headers(3), c.headers(5), c.headers(7))
    c.expect(all_of(response(1), response(3), response(5), response(7), no_error()))

    c = new("the server's responses use the request's stream",
            "A server sends an HTTP response on the same stream as the request. [§8.1]")
    c.handshake()
    c.step(c.headers(9))
    c.expect(all_of(response(9), not_(frame_of("HEADERS", 1)), not_(frame_of("HEADERS", 2))))


def section_5_1_2():
    cases = section("5.1.2-concurrency.json", "5.1.2", "Stream concurrency (RFC 9113 §5.1.2)")
    new = counter("5.1.2", cases)
    rule = ("An endpoint that receives a HEADERS frame that causes its advertised concurrent stream limit to "
            "be exceeded MUST treat this as a stream error (Section 5.4.2) of type PROTOCOL_ERROR or "
            "REFUSED_STREAM.")

    c = new("HEADERS beyond the advertised limit of 100", rule)
    c.handshake()
    c.step(*[c.headers(1 + 2 * i, POST, end_stream=False) for i in range(100)], note="100 open streams",
           expect=not_(frame_of("RST_STREAM")))
    c.step(c.headers(201, POST, end_stream=False))
    c.expect(stream_error(201, "REFUSED_STREAM", "PROTOCOL_ERROR"))

    c = new("HEADERS beyond an advertised limit of 3", rule, server_settings={"max_concurrent_streams": 3})
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(3, POST, end_stream=False),
           c.headers(5, POST, end_stream=False), expect=not_(frame_of("RST_STREAM")))
    c.step(c.headers(7, POST, end_stream=False))
    c.expect(stream_error(7, "REFUSED_STREAM", "PROTOCOL_ERROR"))

    c = new("half-closed (remote) streams count toward the limit",
            "Streams that are in the \"open\" state or in either of the \"half-closed\" states count toward "
            "the maximum number of streams that an endpoint is permitted to open. " + rule,
            server_settings={"max_concurrent_streams": 2}, respond="never")
    c.handshake()
    c.step(c.headers(1), c.headers(3), expect=not_(frame_of("RST_STREAM")))
    c.step(c.headers(5))
    c.expect(stream_error(5, "REFUSED_STREAM", "PROTOCOL_ERROR"))

    c = new("closed streams free their slot",
            "Streams that are in the \"open\" state or in either of the \"half-closed\" states count toward "
            "the maximum number of streams [closed ones do not].",
            server_settings={"max_concurrent_streams": 2})
    c.handshake()
    c.step(c.headers(1), c.headers(3), expect=all_of(response(1), response(3)))
    c.step(c.headers(5), c.headers(7))
    c.expect(all_of(response(5), response(7), no_error()))

    c = new("a stream the client reset frees its slot",
            "A stream also enters the \"closed\" state after an endpoint either sends or receives a "
            "RST_STREAM frame.",
            server_settings={"max_concurrent_streams": 2})
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(3, POST, end_stream=False))
    c.step(rst_stream(1, "CANCEL"), c.headers(5))
    c.expect(all_of(response(5), no_error()))

    c = new("a refused stream does not stop later streams",
            rule + " The choice of error code determines whether the endpoint wishes to enable automatic retry",
            server_settings={"max_concurrent_streams": 1})
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False))
    c.step(c.headers(3), expect=stream_error(3, "REFUSED_STREAM", "PROTOCOL_ERROR"))
    c.step(data(1, b"x", end_stream=True), expect=response(1))
    c.step(c.headers(5))
    c.expect(all_of(response(5), not_(goaway_any())))

    c = new("SETTINGS_MAX_CONCURRENT_STREAMS of 0 refuses every stream",
            "A zero value does prevent the creation of new streams; however, this can also happen for any "
            "limit that is exhausted with active streams. " + rule,
            server_settings={"max_concurrent_streams": 0})
    c.handshake()
    c.step(c.headers(1))
    c.expect(all_of(stream_error(1, "REFUSED_STREAM", "PROTOCOL_ERROR"), not_(response(1))))


# ---------------------------------------------------------------------------------------
# §5.3 Prioritization, §5.4 error handling, §5.5 extensions

def section_5_3():
    cases = section("5.3-priority.json", "5.3", "Prioritization signals (RFC 9113 §5.3; RFC 7540 §5.3.1)")
    new = counter("5.3", cases)

    c = new("HEADERS that depends on its own stream",
            "RFC 7540 §5.3.1 (whose mandatory handling RFC 9113 §5.3.2 retains for interoperability): A "
            "stream cannot depend on itself. An endpoint MUST treat this as a stream error (Section 5.4.2) "
            "of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(1, prio=(1, 15, False)))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("PRIORITY that depends on its own stream",
            "RFC 7540 §5.3.1: A stream cannot depend on itself. An endpoint MUST treat this as a stream "
            "error (Section 5.4.2) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), priority(1, 1, 15))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("self-dependent HEADERS still updates the compression state",
            "An endpoint receiving HEADERS, PUSH_PROMISE, or CONTINUATION frames needs to reassemble field "
            "blocks and perform decompression even if the frames are to be discarded. [§4.3]")
    c.handshake()
    fields = GET + [("x-self-dependent", "still-indexed")]
    c.step(c.headers(1, fields, prio=(1, 15, False)), expect=stream_error(1, "PROTOCOL_ERROR"))
    c.step(c.headers(3, fields))
    c.expect(all_of(response(3), request(3, fields), not_(goaway_any())))

    c = new("HEADERS with a priority block",
            "PRIORITY (0x20): When set, the PRIORITY flag indicates that the Exclusive, Stream Dependency, "
            "and Weight fields are present. [Priority signals are deprecated, the request proceeds]")
    c.handshake()
    c.step(c.headers(1, prio=(0, 255, False)))
    c.expect(all_of(response(1), no_error()))

    c = new("HEADERS depending exclusively on another stream",
            "Exclusive: A single-bit flag. This field is only present if the PRIORITY flag is set.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(3, prio=(1, 100, True)))
    c.expect(all_of(response(3), no_error()))

    c = new("HEADERS depending on an idle stream",
            "Priority signals in HEADERS frames are deprecated; see Section 5.3.2. [A dependency on a stream "
            "that does not exist is no error]")
    c.handshake()
    c.step(c.headers(1, prio=(99, 10, False)))
    c.expect(all_of(response(1), no_error()))

    c = new("PRIORITY on an idle stream, then HEADERS on a lower stream",
            "Sending or receiving a PRIORITY frame does not affect the state of any stream (Section 5.1).")
    c.handshake()
    c.step(priority(9, 0, 50), c.headers(3))
    c.expect(all_of(response(3), no_error()))

    c = new("PRIORITY on an idle stream, then HEADERS on that stream",
            "Sending or receiving a PRIORITY frame does not affect the state of any stream (Section 5.1).")
    c.handshake()
    c.step(priority(5, 0, 50), c.headers(5))
    c.expect(all_of(response(5), no_error()))


def section_5_4():
    cases = section("5.4-error-handling.json", "5.4", "Error handling (RFC 9113 §5.4)")
    new = counter("5.4.1", cases)

    c = new("invalid PING: the connection closes",
            "After sending the GOAWAY frame for an error condition, the endpoint MUST close the TCP "
            "connection.")
    c.handshake()
    c.step(raw(PING, 0, 0, rand_bytes(6)))
    c.expect(closed())

    c = new("invalid PING: GOAWAY with FRAME_SIZE_ERROR",
            "An endpoint that encounters a connection error SHOULD first send a GOAWAY frame (Section 6.8) "
            "with the stream identifier of the last stream that it successfully received from its peer. "
            "[§6.7: a PING length other than 8 is FRAME_SIZE_ERROR]")
    c.handshake()
    c.step(raw(PING, 0, 0, rand_bytes(6)))
    c.expect(all_of({"goaway": {"code": "FRAME_SIZE_ERROR", "last_stream": 0}}, closed()))

    c = new("GOAWAY names the last stream received",
            "An endpoint that encounters a connection error SHOULD first send a GOAWAY frame (Section 6.8) "
            "with the stream identifier of the last stream that it successfully received from its peer.")
    c.handshake()
    c.step(c.headers(1), c.headers(3), expect=all_of(response(1), response(3)))
    c.step(raw(PING, 0, 0, rand_bytes(7)))
    c.expect(all_of({"goaway": {"code": "FRAME_SIZE_ERROR", "last_stream": 3}}, closed()))

    c = new("nothing is processed after a connection error",
            "After sending the GOAWAY frame for an error condition, the endpoint MUST close the TCP "
            "connection.")
    c.handshake()
    c.step(raw(PING, 0, 0, rand_bytes(6)), expect=connection_error("FRAME_SIZE_ERROR"))
    c.step(ping(rand_bytes(8)), c.headers(1), expect=no_frames())
    c.expect(all_of(connection_error("FRAME_SIZE_ERROR"), closed(), not_({"ping_ack": {}}), not_(response(1))))

    c = new("a connection error is reported even with other frames in the same read",
            "If a frame causes a connection error, that error MUST be reported.")
    c.handshake()
    c.step(c.headers(1), raw(RST_STREAM, 0, 0, struct.pack(">I", 8)), ping(rand_bytes(8)))
    c.expect(all_of(connection_error("PROTOCOL_ERROR"), not_({"ping_ack": {}})))

    new = counter("5.4.2", cases)
    c = new("a stream error leaves other streams working",
            "A stream error is an error related to a specific stream that does not affect processing of "
            "other streams.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(3, POST, end_stream=False), window_update(3, 0),
           expect=rst(3, "PROTOCOL_ERROR"))
    c.step(data(1, b"finish", end_stream=True))
    c.expect(all_of(response(1), not_(goaway_any())))

    c = new("no RST_STREAM in answer to a RST_STREAM",
            "To avoid looping, an endpoint MUST NOT send a RST_STREAM in response to a RST_STREAM frame.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(3, POST, end_stream=False))
    c.step(rst_stream(1, "CANCEL"), rst_stream(3, "INTERNAL_ERROR"))
    c.expect(all_of(not_(frame_of("RST_STREAM")), c.liveness()))

    c = new("RST_STREAM is the last frame on a stream",
            "A RST_STREAM is the last frame that an endpoint can send on a stream.",
            response_body_length=100, respond="headers")
    c.handshake([(INITIAL_WINDOW_SIZE, 10)])
    c.step(c.headers(1, POST, end_stream=False), data(1, b"abc"),
           note="the response starts: 10 octets of its 100 fit the window",
           expect=all_of(response(1), data_total(1, 10)))
    c.step(window_update(1, 0), note="the server resets stream 1 (PROTOCOL_ERROR); the rest of its response "
           "is dropped", expect=all_of(rst(1, "PROTOCOL_ERROR"), not_(frame_of("DATA", 1))))
    c.step(settings([(INITIAL_WINDOW_SIZE, 65535)]), window_update(0, 65535),
           expect=all_of(not_(frame_of("DATA", 1)), not_(frame_of("HEADERS", 1)), not_(frame_of("RST_STREAM", 1))))
    c.expect(all_of(data_total(1, 10), {"settings_ack": {"count": 1}}))


def section_5_5():
    cases = section("5.5-extending.json", "5.5", "Extending HTTP/2 (RFC 9113 §5.5)")
    new = counter("5.5", cases)

    c = new("unknown extension frame is ignored",
            "Implementations MUST discard frames that have unknown or unsupported types.")
    c.handshake()
    c.step(extension(0xff, 0, 0, b"extension payload"))
    c.expect(c.liveness())

    c = new("unknown extension frame in the middle of a field block",
            "However, extension frames that appear in the middle of a field block (Section 4.3) are not "
            "permitted; these MUST be treated as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:2], end_headers=False), extension(0xff, 1, 0, b"x"),
           continuation(1, block[2:]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("unknown extension frame on stream 0 in the middle of a field block",
            "extension frames that appear in the middle of a field block (Section 4.3) are not permitted; "
            "these MUST be treated as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:2], end_headers=False), extension(0xbe, 0, 0, b"x"),
           continuation(1, block[2:]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("unknown setting is ignored",
            "Implementations MUST ignore unknown or unsupported values in all extensible protocol elements.")
    c.handshake()
    c.step(settings([(0x99, 12345), (0xff00, 1)]))
    c.expect(all_of(settings_acks(1), c.liveness()))

    c = new("unknown error code in RST_STREAM",
            "Implementations MUST ignore unknown or unsupported values in all extensible protocol elements.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), rst_stream(1, 0xdeadbeef))
    c.expect(c.liveness())

    c = new("unknown frame between the DATA frames of a request",
            "Implementations MUST discard frames that have unknown or unsupported types.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"first"), extension(0x30, 1, 0x5, b"ext"),
           data(1, b"second", end_stream=True))
    c.expect(all_of(response(1), no_error()))

    c = new("unknown frame with every flag and the reserved bit set",
            "Implementations MUST discard frames that have unknown or unsupported types.")
    c.handshake()
    c.step(with_reserved_bit(extension(0xfa, 3, 0xff, rand_bytes(32))))
    c.step(c.headers(1))
    c.expect(all_of(response(1), c.liveness()))

    c = new("unknown frame of 2^14 octets is ignored",
            "All implementations MUST be capable of receiving and minimally processing frames up to 2^14 "
            "octets in length [§4.2]; Implementations MUST discard frames that have unknown or unsupported "
            "types.")
    c.handshake()
    c.step(extension(0x40, 0, 0, rand_bytes(16384)))
    c.expect(c.liveness())


# ---------------------------------------------------------------------------------------
# §6 Frame definitions

def section_6_1():
    cases = section("6.1-data.json", "6.1", "DATA (RFC 9113 §6.1)")
    new = counter("6.1", cases)

    c = new("DATA on stream 0",
            "If a DATA frame is received whose Stream Identifier field is 0x00, the recipient MUST respond "
            "with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(DATA, END_STREAM, 0, b"hello"))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("DATA on a stream that is not open or half-closed (local)",
            "If a DATA frame is received whose stream is not in the \"open\" or \"half-closed (local)\" "
            "state, the recipient MUST respond with a stream error (Section 5.4.2) of type STREAM_CLOSED.")
    c.handshake()
    c.step(c.headers(1), data(1, b"after END_STREAM"))
    c.expect(stream_error(1, "STREAM_CLOSED"))

    c = new("DATA with a pad length equal to the payload length",
            "If the length of the padding is the length of the frame payload or greater, the recipient MUST "
            "treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(DATA, PADDED | END_STREAM, 1, bytes([6]) + b"hello"))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("DATA with a pad length larger than the payload",
            "If the length of the padding is the length of the frame payload or greater, the recipient MUST "
            "treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(DATA, PADDED | END_STREAM, 1, bytes([200]) + b"hello"))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("DATA whose padding fills the payload after the Pad Length octet",
            "The total number of padding octets is determined by the value of the Pad Length field. [Pad "
            "Length = payload length - 1 leaves no data: valid]")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(DATA, PADDED | END_STREAM, 1, bytes([5]) + bytes(5)))
    c.expect(all_of(response(1), no_error()))

    c = new("DATA with PADDED set and an empty payload",
            "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame ... is too small to contain "
            "mandatory frame data. [§4.2; the missing Pad Length is also a padding error, PROTOCOL_ERROR]")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(DATA, PADDED | END_STREAM, 1, b""))
    c.expect(any_of(stream_error(1, "FRAME_SIZE_ERROR"), connection_error("PROTOCOL_ERROR")))

    c = new("a request with a body in one DATA frame",
            "DATA frames (type=0x00) convey arbitrary, variable-length sequences of octets associated with "
            "a stream.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"one frame of content", end_stream=True))
    c.expect(all_of(response(1), {"request_data": {"stream": 1, "data": b"one frame of content".hex()}},
                    no_error()))

    c = new("a request with a body in several DATA frames",
            "One or more DATA frames are used, for instance, to carry HTTP request or response message "
            "contents.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"one,"), data(1, b"two,"), data(1, b"three"),
           data(1, b"", end_stream=True))
    c.expect(all_of(response(1), {"request_data": {"stream": 1, "data": b"one,two,three".hex()}}, no_error()))

    c = new("a request body in padded DATA frames",
            "DATA frames MAY also contain padding. ... Padding octets that contain no application semantic "
            "value.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"padded", pad=10), data(1, b"!", end_stream=True, pad=0))
    c.expect(all_of(response(1), {"request_data": {"stream": 1, "data": b"padded!".hex()}}, no_error()))

    c = new("a zero-length DATA frame with END_STREAM ends the request",
            "An endpoint that learns of stream closure after sending all data can close a stream by sending "
            "a STREAM frame with a zero-length Data field and the END_STREAM flag set.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"", end_stream=True))
    c.expect(all_of(response(1), no_error()))

    c = new("padding counts toward the stream flow-control window",
            "The entire DATA frame payload is included in flow control, including the Pad Length and "
            "Padding fields if present. [§6.9.1: The sender MUST NOT send a flow-controlled frame with a "
            "length that exceeds the space available]",
            server_settings={"initial_window_size": 16384, "max_frame_size": 32768},
            server_config={"returns_credit_automatically": False})
    c.handshake(note="preface, SETTINGS, and the ACK of the server's SETTINGS_INITIAL_WINDOW_SIZE = 16384 "
                     "and SETTINGS_MAX_FRAME_SIZE = 32768")
    # 1 (Pad Length) + 16200 + 184 = 16385 octets: the data alone would fit the window.
    c.step(c.headers(1, POST, end_stream=False), data(1, rand_bytes(16200), end_stream=True, pad=184))
    c.expect(any_of(stream_error(1, "FLOW_CONTROL_ERROR"), connection_error("FLOW_CONTROL_ERROR")))

    c = new("the server's DATA carries the response body and END_STREAM",
            "END_STREAM (0x01): When set, the END_STREAM flag indicates that this frame is the last that the "
            "endpoint will send for the identified stream.")
    c.handshake()
    c.step(c.headers(1))
    c.expect(all_of(response(1), data_frame(1, 2, end_stream=True), no_error()))


def section_6_2():
    cases = section("6.2-headers.json", "6.2", "HEADERS (RFC 9113 §6.2)")
    new = counter("6.2", cases)
    interleave = ("A HEADERS frame without the END_HEADERS flag set MUST be followed by a CONTINUATION frame for "
                  "the same stream. A receiver MUST treat the receipt of any other type of frame or a frame on a "
                  "different stream as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")

    c = new("HEADERS without END_HEADERS followed by PRIORITY", interleave)
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block, end_headers=False), priority(1, 0, 10))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("HEADERS without END_HEADERS followed by HEADERS on another stream", interleave)
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block, end_headers=False), headers_frame(3, STATIC_GET))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("HEADERS on stream 0",
            "If a HEADERS frame is received whose Stream Identifier field is 0x00, the recipient MUST respond "
            "with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(HEADERS, END_HEADERS | END_STREAM, 0, STATIC_GET))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("HEADERS with a pad length larger than the payload",
            "If the length of the padding is the length of the frame payload or greater, the recipient MUST "
            "treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, bytes([len(STATIC_GET) + 10]) + STATIC_GET))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("HEADERS with a pad length equal to the payload length",
            "If the length of the padding is the length of the frame payload or greater, the recipient MUST "
            "treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, bytes([len(STATIC_GET) + 1]) + STATIC_GET))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("HEADERS opens a stream",
            "The HEADERS frame (type=0x01) is used to open a stream (Section 5.1), and additionally carries a "
            "field block fragment.")
    c.handshake()
    c.step(c.headers(1))
    c.expect(all_of(response(1), request(1, GET, end_stream=True), no_error()))

    c = new("HEADERS with padding",
            "PADDED (0x08): When set, the PADDED flag indicates that the Pad Length field and any padding "
            "that it describes are present.")
    c.handshake()
    c.step(c.headers(1, pad=40))
    c.expect(all_of(response(1), request(1, GET), no_error()))

    c = new("HEADERS with padding and priority",
            "PADDED ... PRIORITY (0x20): When set, the PRIORITY flag indicates that the Exclusive, Stream "
            "Dependency, and Weight fields are present.")
    c.handshake()
    c.step(c.headers(1, pad=3, prio=(0, 7, True)))
    c.expect(all_of(response(1), request(1, GET), no_error()))

    c = new("HEADERS without END_HEADERS followed by DATA on the same stream", interleave)
    c.handshake()
    block = c.block(POST)
    c.step(headers_frame(1, block, end_stream=False, end_headers=False), data(1, b"x", end_stream=True))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("HEADERS without END_HEADERS followed by SETTINGS", interleave)
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block, end_headers=False), settings())
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("HEADERS without END_HEADERS followed by PING", interleave)
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block, end_headers=False), ping(rand_bytes(8)))
    c.expect(all_of(connection_error("PROTOCOL_ERROR"), not_({"ping_ack": {}})))

    c = new("HEADERS without END_HEADERS followed by WINDOW_UPDATE on the same stream", interleave)
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block, end_headers=False), window_update(1, 10))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("HEADERS with END_STREAM followed by CONTINUATION",
            "A HEADERS frame with the END_STREAM flag set signals the end of a stream. However, a HEADERS "
            "frame with the END_STREAM flag set can be followed by CONTINUATION frames on the same stream.")
    c.handshake()
    block = c.block(GET + [("x-long", "continued")])
    c.step(headers_frame(1, block[:4], end_stream=True, end_headers=False), continuation(1, block[4:]))
    c.expect(all_of(response(1), request(1, end_stream=True), no_error()))

    c = new("HEADERS with PRIORITY too short for the priority fields",
            "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame ... is too small to contain "
            "mandatory frame data. A frame size error in a frame that could alter the state of the entire "
            "connection MUST be treated as a connection error; this includes any frame carrying a field "
            "block [§4.2]")
    c.handshake()
    c.step(raw(HEADERS, END_HEADERS | END_STREAM | PRIORITY_FLAG, 1, b"\x00\x00\x00"))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("HEADERS with PADDED and an empty payload",
            "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame ... is too small to contain "
            "mandatory frame data [a connection error for a frame carrying a field block, §4.2; the missing "
            "Pad Length is also a padding error, PROTOCOL_ERROR]")
    c.handshake()
    c.step(raw(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, b""))
    c.expect(any_of(connection_error("FRAME_SIZE_ERROR"), connection_error("PROTOCOL_ERROR")))

    c = new("HEADERS with PADDED and PRIORITY whose padding covers the priority fields",
            "If the length of the padding is the length of the frame payload or greater, the recipient MUST "
            "treat this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR. [Pad Length 5 in a "
            "7-octet payload leaves no room for the 5 priority octets]")
    c.handshake()
    c.step(raw(HEADERS, END_HEADERS | END_STREAM | PADDED | PRIORITY_FLAG, 1, bytes([5]) + bytes(6)))
    c.expect(any_of(connection_error("PROTOCOL_ERROR"), connection_error("FRAME_SIZE_ERROR")))


def section_6_3():
    cases = section("6.3-priority.json", "6.3", "PRIORITY (RFC 9113 §6.3)")
    new = counter("6.3", cases)

    c = new("PRIORITY on stream 0",
            "If a PRIORITY frame is received with a stream identifier of 0x00, the recipient MUST respond "
            "with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(PRIORITY, 0, 0, struct.pack(">IB", 1, 15)))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("PRIORITY with a length of 4 octets",
            "A PRIORITY frame with a length other than 5 octets MUST be treated as a stream error (Section "
            "5.4.2) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(PRIORITY, 0, 1, struct.pack(">I", 0)))
    c.expect(stream_error(1, "FRAME_SIZE_ERROR"))

    c = new("PRIORITY with a length of 6 octets",
            "A PRIORITY frame with a length other than 5 octets MUST be treated as a stream error (Section "
            "5.4.2) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(3, POST, end_stream=False),
           raw(PRIORITY, 0, 3, struct.pack(">IBB", 1, 15, 0)))
    c.expect(stream_error(3, "FRAME_SIZE_ERROR"))

    for weight, label in ((0, "weight 1"), (255, "weight 256")):
        c = new(f"PRIORITY with {label}",
                "The PRIORITY frame can be sent on a stream in any state, including \"idle\" or \"closed\".")
        c.handshake()
        c.step(c.headers(1, POST, end_stream=False), priority(1, 0, weight))
        c.step(data(1, b"x", end_stream=True))
        c.expect(all_of(response(1), c.liveness()))

    c = new("PRIORITY with a stream dependency",
            "Stream Dependency: A 31-bit stream identifier.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(3, POST, end_stream=False), priority(3, 1, 20))
    c.expect(c.liveness())

    c = new("PRIORITY with the exclusive flag",
            "Exclusive: A single-bit flag.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(3, POST, end_stream=False), priority(3, 1, 20, True))
    c.expect(c.liveness())

    c = new("PRIORITY does not open a stream",
            "Sending or receiving a PRIORITY frame does not affect the state of any stream (Section 5.1).")
    c.handshake()
    c.step(priority(3, 0, 20), priority(5, 3, 20), c.headers(1), c.headers(3), c.headers(5))
    c.expect(all_of(response(1), response(3), response(5), no_error()))

    c = new("PRIORITY on a closed stream",
            "The PRIORITY frame can be sent on a stream in any state, including \"idle\" or \"closed\".")
    c.handshake()
    c.step(c.headers(1), expect=response(1))
    c.step(priority(1, 0, 100), priority(1, 0, 200))
    c.expect(c.liveness())

    c = new("PRIORITY inside a field block",
            "A PRIORITY frame cannot be sent between consecutive frames that comprise a single field block "
            "(Section 4.3). [§6.2: any other type of frame is a connection error of type PROTOCOL_ERROR]")
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:1], end_headers=False), priority(3, 0, 10), continuation(1, block[1:]))
    c.expect(connection_error("PROTOCOL_ERROR"))


def section_6_4():
    cases = section("6.4-rst-stream.json", "6.4", "RST_STREAM (RFC 9113 §6.4)")
    new = counter("6.4", cases)

    c = new("RST_STREAM on stream 0",
            "If a RST_STREAM frame is received with a stream identifier of 0x00, the recipient MUST treat "
            "this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(RST_STREAM, 0, 0, struct.pack(">I", 8)))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("RST_STREAM on an idle stream",
            "If a RST_STREAM frame identifying an idle stream is received, the recipient MUST treat this as "
            "a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(rst_stream(1, "CANCEL"))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("RST_STREAM on an idle stream above an open one",
            "If a RST_STREAM frame identifying an idle stream is received, the recipient MUST treat this as "
            "a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), rst_stream(5, "CANCEL"))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("RST_STREAM with a length of 3 octets",
            "A RST_STREAM frame with a length other than 4 octets MUST be treated as a connection error "
            "(Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(RST_STREAM, 0, 1, b"\x00\x00\x08"))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("RST_STREAM with a length of 5 octets",
            "A RST_STREAM frame with a length other than 4 octets MUST be treated as a connection error "
            "(Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(RST_STREAM, 0, 1, b"\x00\x00\x00\x08\x00"))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("RST_STREAM on an open stream",
            "The RST_STREAM frame fully terminates the referenced stream and causes it to enter the "
            "\"closed\" state.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), rst_stream(1, "CANCEL"))
    c.expect(all_of(not_(response(1)), c.liveness()))

    c = new("no more frames on a stream after the client's RST_STREAM",
            "After receiving a RST_STREAM on a stream, the receiver MUST NOT send additional frames for that "
            "stream, except for PRIORITY.",
            response_body_length=1000)
    c.handshake([(INITIAL_WINDOW_SIZE, 10)])
    c.step(c.headers(1), expect=all_of(response(1), data_total(1, 10)))
    nothing_on_1 = all_of(not_(frame_of("DATA", 1)), not_(frame_of("HEADERS", 1)), not_(frame_of("RST_STREAM", 1)))
    c.step(rst_stream(1, "CANCEL"), window_update(1, 5000), note="the WINDOW_UPDATE was in flight",
           expect=nothing_on_1)
    c.step(settings([(INITIAL_WINDOW_SIZE, 100000)]), window_update(0, 100000), expect=nothing_on_1)
    c.expect(all_of(data_total(1, 10), c.liveness()))

    c = new("RST_STREAM with NO_ERROR on an open stream",
            "The RST_STREAM frame fully terminates the referenced stream [whatever its error code].")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), rst_stream(1, "NO_ERROR"), c.headers(3))
    c.expect(all_of(response(3), not_(response(1)), no_error()))


def section_6_5():
    cases = section("6.5-settings.json", "6.5", "SETTINGS (RFC 9113 §6.5, §6.5.2, §6.5.3)")
    new = counter("6.5", cases)

    c = new("SETTINGS with ACK and a payload",
            "Receipt of a SETTINGS frame with the ACK flag set and a length field value other than 0 MUST "
            "be treated as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(SETTINGS, ACK, 0, struct.pack(">HI", INITIAL_WINDOW_SIZE, 100)))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("SETTINGS on a stream other than 0",
            "If an endpoint receives a SETTINGS frame whose Stream Identifier field is anything other than "
            "0x00, the endpoint MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(SETTINGS, 0, 1, struct.pack(">HI", MAX_CONCURRENT_STREAMS, 100)))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("SETTINGS with a length that is not a multiple of 6",
            "A SETTINGS frame with a length other than a multiple of 6 octets MUST be treated as a connection "
            "error (Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(SETTINGS, 0, 0, struct.pack(">HI", MAX_CONCURRENT_STREAMS, 100) + b"\x00\x04\x00"))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("SETTINGS of 3 octets",
            "A SETTINGS frame with a length other than a multiple of 6 octets MUST be treated as a connection "
            "error (Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(SETTINGS, 0, 0, b"\x00\x03\x00"))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    for identifier, value, name in ((HEADER_TABLE_SIZE, 8192, "SETTINGS_HEADER_TABLE_SIZE"),
                                    (ENABLE_PUSH, 0, "SETTINGS_ENABLE_PUSH"),
                                    (MAX_CONCURRENT_STREAMS, 10, "SETTINGS_MAX_CONCURRENT_STREAMS"),
                                    (INITIAL_WINDOW_SIZE, 100000, "SETTINGS_INITIAL_WINDOW_SIZE"),
                                    (MAX_FRAME_SIZE, 32768, "SETTINGS_MAX_FRAME_SIZE"),
                                    (MAX_HEADER_LIST_SIZE, 100000, "SETTINGS_MAX_HEADER_LIST_SIZE")):
        c = new(f"SETTINGS with {name}",
                "Implementations MUST support all of the settings defined by this specification. ... Once all "
                "values have been processed, the recipient MUST immediately emit a SETTINGS frame with the ACK "
                "flag set.",
                client_header_table_size=value if identifier == HEADER_TABLE_SIZE else None)
        c.handshake()
        c.step(settings([(identifier, value)]))
        c.step(c.headers(1))
        c.expect(all_of(settings_acks(1), response(1), no_error()))

    c = new("SETTINGS with every defined setting at once",
            "Implementations MUST support all of the settings defined by this specification.")
    c.handshake()
    c.step(settings([(HEADER_TABLE_SIZE, 4096), (ENABLE_PUSH, 0), (MAX_CONCURRENT_STREAMS, 100),
                     (INITIAL_WINDOW_SIZE, 65535), (MAX_FRAME_SIZE, 16384), (MAX_HEADER_LIST_SIZE, 65536)]))
    c.expect(all_of(settings_acks(1), c.liveness()))

    c = new("an empty SETTINGS frame is acknowledged",
            "A SETTINGS frame MUST be sent by both endpoints at the start of a connection and MAY be sent at "
            "any other time by either endpoint over the lifetime of the connection.")
    c.handshake()
    c.step(settings())
    c.expect(all_of(settings_acks(1), no_error()))

    new = counter("6.5.2", cases)
    c = new("SETTINGS_ENABLE_PUSH of 2",
            "Any value other than 0 or 1 MUST be treated as a connection error (Section 5.4.1) of type "
            "PROTOCOL_ERROR.")
    c.handshake()
    c.step(settings([(ENABLE_PUSH, 2)]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("SETTINGS_ENABLE_PUSH of 2^32-1",
            "Any value other than 0 or 1 MUST be treated as a connection error (Section 5.4.1) of type "
            "PROTOCOL_ERROR.")
    c.handshake()
    c.step(settings([(ENABLE_PUSH, 0xffffffff)]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("SETTINGS_ENABLE_PUSH of 1 from a client",
            "The initial value of SETTINGS_ENABLE_PUSH is 1. For a client, this value indicates that it is "
            "willing to receive PUSH_PROMISE frames.")
    c.handshake()
    c.step(settings([(ENABLE_PUSH, 1)]), c.headers(1))
    c.expect(all_of(settings_acks(1), response(1), no_error(), not_(frame_of("PUSH_PROMISE"))))

    c = new("SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1",
            "Values above the maximum flow-control window size of 2^31-1 MUST be treated as a connection "
            "error (Section 5.4.1) of type FLOW_CONTROL_ERROR.")
    c.handshake()
    c.step(settings([(INITIAL_WINDOW_SIZE, 2**31)]))
    c.expect(connection_error("FLOW_CONTROL_ERROR"))

    c = new("SETTINGS_INITIAL_WINDOW_SIZE of 2^32-1",
            "Values above the maximum flow-control window size of 2^31-1 MUST be treated as a connection "
            "error (Section 5.4.1) of type FLOW_CONTROL_ERROR.")
    c.handshake()
    c.step(settings([(INITIAL_WINDOW_SIZE, 0xffffffff)]))
    c.expect(connection_error("FLOW_CONTROL_ERROR"))

    c = new("SETTINGS_INITIAL_WINDOW_SIZE of exactly 2^31-1",
            "Values above the maximum flow-control window size of 2^31-1 MUST be treated as a connection "
            "error [2^31-1 itself is allowed].")
    c.handshake()
    c.step(settings([(INITIAL_WINDOW_SIZE, MAX_WINDOW)]), c.headers(1))
    c.expect(all_of(settings_acks(1), response(1), no_error()))

    c = new("SETTINGS_MAX_FRAME_SIZE below the initial value",
            "The value advertised by an endpoint MUST be between this initial value and the maximum allowed "
            "frame size (2^24-1 or 16,777,215 octets), inclusive. Values outside this range MUST be treated "
            "as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(settings([(MAX_FRAME_SIZE, 16383)]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("SETTINGS_MAX_FRAME_SIZE of 0",
            "Values outside this range MUST be treated as a connection error (Section 5.4.1) of type "
            "PROTOCOL_ERROR.")
    c.handshake()
    c.step(settings([(MAX_FRAME_SIZE, 0)]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("SETTINGS_MAX_FRAME_SIZE above the maximum",
            "The value advertised by an endpoint MUST be between this initial value and the maximum allowed "
            "frame size (2^24-1 or 16,777,215 octets), inclusive. Values outside this range MUST be treated "
            "as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(settings([(MAX_FRAME_SIZE, 2**24)]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("SETTINGS_MAX_FRAME_SIZE at both ends of the range",
            "The value advertised by an endpoint MUST be between this initial value and the maximum allowed "
            "frame size (2^24-1 or 16,777,215 octets), inclusive.")
    c.handshake()
    c.step(settings([(MAX_FRAME_SIZE, 2**24 - 1)]), settings([(MAX_FRAME_SIZE, 16384)]))
    c.expect(all_of(settings_acks(2), c.liveness()))

    c = new("SETTINGS with an unknown identifier",
            "An endpoint that receives a SETTINGS frame with any unknown or unsupported identifier MUST "
            "ignore that setting.")
    c.handshake()
    c.step(settings([(0xff, 1), (0x7777, 0xffffffff)]))
    c.expect(all_of(settings_acks(1), c.liveness()))

    c = new("SETTINGS_MAX_CONCURRENT_STREAMS of 0 from the client does not limit responses",
            "This limit is directional: it applies to the number of streams that the sender permits the "
            "receiver to create.")
    c.handshake([(MAX_CONCURRENT_STREAMS, 0)])
    c.step(c.headers(1), c.headers(3))
    c.expect(all_of(response(1), response(3), no_error()))

    c = new("SETTINGS_HEADER_TABLE_SIZE of 0: the server's encoder follows",
            "SETTINGS_HEADER_TABLE_SIZE (0x01): This setting allows the sender to inform the remote endpoint "
            "of the maximum size of the compression table used to decode field blocks. [§4.3.1: its HPACK "
            "encoder MUST start the next field block with a Dynamic Table Size Update instruction]",
            client_header_table_size=0)
    c.handshake([(HEADER_TABLE_SIZE, 0)])
    c.step(c.headers(1), c.headers(3))
    c.expect(all_of(response(1), response(3), no_error()))

    new = counter("6.5.3", cases)
    c = new("multiple values of SETTINGS_INITIAL_WINDOW_SIZE: the last one wins",
            "The values in the SETTINGS frame MUST be processed in the order they appear, with no other frame "
            "processing between values. [Each parameter] replaces any existing value for that parameter.")
    c.handshake()
    c.step(settings([(INITIAL_WINDOW_SIZE, 100), (INITIAL_WINDOW_SIZE, 1)]), c.headers(1))
    c.expect(all_of(response(1), data_frame(1, 1), data_total(1, 1)))

    c = new("SETTINGS without ACK is acknowledged",
            "Once all values have been processed, the recipient MUST immediately emit a SETTINGS frame with "
            "the ACK flag set.")
    c.handshake()
    c.step(settings([(MAX_CONCURRENT_STREAMS, 100)]))
    c.expect(all_of(settings_acks(1), no_error()))

    c = new("each SETTINGS frame is acknowledged",
            "SETTINGS frames are acknowledged in the order in which they are received.")
    c.handshake()
    c.step(settings([(INITIAL_WINDOW_SIZE, 1000)]), settings([(INITIAL_WINDOW_SIZE, 2000)]),
           settings([(INITIAL_WINDOW_SIZE, 3000)]))
    c.expect(all_of(settings_acks(3), no_error()))

    c = new("new settings apply at once",
            "the recipient of a SETTINGS frame in which the ACK flag is not set MUST apply the updated "
            "settings as soon as possible upon receipt.")
    c.handshake()
    c.step(settings([(INITIAL_WINDOW_SIZE, 0)]), c.headers(1), expect=all_of(response(1), not_(frame_of("DATA", 1))))
    c.step(window_update(1, 2))
    c.expect(all_of(data_frame(1, 2, end_stream=True), no_error()))

    c = new("a SETTINGS ACK after the payload of its frame",
            "Upon receiving a SETTINGS frame with the ACK flag set, the sender of the altered settings can "
            "rely on the values from the oldest unacknowledged SETTINGS frame having been applied. [The ACK "
            "follows the frame's processing: the response that depends on it uses the new value]")
    c.handshake()
    c.step(settings([(INITIAL_WINDOW_SIZE, 1)]), c.headers(1))
    c.expect(all_of({"order": [{"settings_ack": {}}, {"data": {"stream": 1, "length": 1}}]}, no_error()))


def section_6_6():
    cases = section("6.6-push-promise.json", "6.6", "PUSH_PROMISE received by a server (RFC 9113 §6.6, §8.4)")
    new = counter("6.6", cases)
    rule = ("A client cannot push. Thus, servers MUST treat the receipt of a PUSH_PROMISE frame as a connection "
            "error (Section 5.4.1) of type PROTOCOL_ERROR. [§8.4]")

    c = new("PUSH_PROMISE from a client", rule)
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), push_promise(1, 2, c.block(GET)))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("PUSH_PROMISE on stream 0",
            "If the Stream Identifier field specifies the value 0x00, a recipient MUST respond with a "
            "connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(PUSH_PROMISE, END_HEADERS, 0, struct.pack(">I", 2) + STATIC_GET))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("PUSH_PROMISE on an idle stream", rule)
    c.handshake()
    c.step(raw(PUSH_PROMISE, END_HEADERS, 1, struct.pack(">I", 2) + STATIC_GET))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("PUSH_PROMISE split over CONTINUATION", rule)
    c.handshake()
    opening = c.headers(1, POST, end_stream=False)
    block = c.block(GET)
    c.step(opening, push_promise(1, 2, block[:2], end_headers=False), continuation(1, block[2:]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("PUSH_PROMISE after the client set SETTINGS_ENABLE_PUSH to 1", rule)
    c.handshake([(ENABLE_PUSH, 1)])
    c.step(c.headers(1, POST, end_stream=False), push_promise(1, 4, c.block(GET)))
    c.expect(connection_error("PROTOCOL_ERROR"))


def section_6_7():
    cases = section("6.7-ping.json", "6.7", "PING (RFC 9113 §6.7)")
    new = counter("6.7", cases)

    c = new("PING is answered with the same payload",
            "Receivers of a PING frame that does not include an ACK flag MUST send a PING frame with the ACK "
            "flag set in response, with an identical frame payload.")
    c.handshake()
    payload = rand_bytes(8)
    c.step(ping(payload))
    c.expect(all_of(ping_ack(payload), no_error()))

    c = new("PING with ACK is not answered",
            "An endpoint MUST NOT respond to PING frames containing this flag.")
    c.handshake()
    payload = rand_bytes(8)
    c.step(ping(payload, ack=True), expect=not_({"frame": {"type": "PING"}}))
    c.expect(all_of(not_(ping_ack(payload)), c.liveness()))

    c = new("PING on a stream other than 0",
            "If a PING frame is received with a Stream Identifier field value other than 0x00, the recipient "
            "MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(PING, 0, 1, rand_bytes(8)))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("PING with a length of 6 octets",
            "Receipt of a PING frame with a length field value other than 8 MUST be treated as a connection "
            "error (Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(PING, 0, 0, rand_bytes(6)))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("PING with a length of 0 octets",
            "Receipt of a PING frame with a length field value other than 8 MUST be treated as a connection "
            "error (Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(PING, 0, 0, b""))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("PING with a length of 9 octets",
            "Receipt of a PING frame with a length field value other than 8 MUST be treated as a connection "
            "error (Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(PING, 0, 0, rand_bytes(9)))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("PING with ACK and a wrong length",
            "Receipt of a PING frame with a length field value other than 8 MUST be treated as a connection "
            "error (Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(PING, ACK, 0, rand_bytes(4)))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("several PINGs are each answered",
            "Receivers of a PING frame that does not include an ACK flag MUST send a PING frame with the ACK "
            "flag set in response, with an identical frame payload.")
    c.handshake()
    payloads = [rand_bytes(8) for _ in range(3)]
    c.step(*[ping(p) for p in payloads])
    c.expect(all_of(*[ping_ack(p) for p in payloads], no_error()))

    c = new("PING while a request is in progress",
            "PING frames are not associated with any individual stream.")
    c.handshake()
    payload = rand_bytes(8)
    c.step(c.headers(1, POST, end_stream=False), ping(payload), data(1, b"x", end_stream=True))
    c.expect(all_of(ping_ack(payload), response(1), no_error()))


def section_6_8():
    cases = section("6.8-goaway.json", "6.8", "GOAWAY (RFC 9113 §6.8)")
    new = counter("6.8", cases)

    c = new("GOAWAY on a stream other than 0",
            "An endpoint MUST treat a GOAWAY frame with a stream identifier other than 0x00 as a connection "
            "error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(GOAWAY, 0, 1, struct.pack(">II", 0, 0)))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("GOAWAY from the client",
            "The GOAWAY frame (type=0x07) is used to initiate shutdown of a connection or to signal serious "
            "error conditions. [A GOAWAY with NO_ERROR is no error]")
    c.handshake()
    c.step(goaway(0, "NO_ERROR"))
    c.expect(no_error())

    c = new("streams below the client's GOAWAY still complete",
            "Activity on streams numbered lower than or equal to the last stream identifier might still "
            "complete successfully.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), goaway(0, "NO_ERROR"))
    c.step(data(1, b"the rest", end_stream=True))
    c.expect(all_of(response(1), data_frame(1, 2, end_stream=True), no_error()))

    c = new("GOAWAY with additional debug data",
            "Endpoints MAY append opaque data to the frame payload of any GOAWAY frame.")
    c.handshake()
    c.step(goaway(0, "NO_ERROR", b"maintenance window"))
    c.expect(no_error())

    c = new("GOAWAY shorter than 8 octets",
            "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame ... is too small to contain "
            "mandatory frame data. [§4.2: any frame with a stream identifier of 0 is a connection error]")
    c.handshake()
    c.step(raw(GOAWAY, 0, 0, b"\x00\x00\x00\x00"))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("the server's GOAWAY names the highest stream it processed",
            "the GOAWAY contains the stream identifier of the last peer-initiated stream that was or might be "
            "processed on the sending endpoint in this connection.")
    c.handshake()
    c.step(c.headers(1), c.headers(5), c.headers(7, POST, end_stream=False))
    c.step(raw(GOAWAY, 0, 3, struct.pack(">II", 0, 0)))
    c.expect({"goaway": {"code": "PROTOCOL_ERROR", "last_stream": 7}})

    c = new("a server's GOAWAY with a connection error closes the connection",
            "After sending the GOAWAY frame for an error condition, the endpoint MUST close the TCP "
            "connection. [§5.4.1]")
    c.handshake()
    c.step(raw(GOAWAY, 0, 3, struct.pack(">II", 0, 0)))
    c.expect(all_of(connection_error("PROTOCOL_ERROR"), closed()))


def section_6_9():
    cases = section("6.9-window-update.json", "6.9", "WINDOW_UPDATE (RFC 9113 §6.9)")
    new = counter("6.9", cases)
    zero = ("A receiver MUST treat the receipt of a WINDOW_UPDATE frame with a flow-control window increment of "
            "0 as a stream error (Section 5.4.2) of type PROTOCOL_ERROR; errors on the connection flow-control "
            "window MUST be treated as a connection error (Section 5.4.1).")

    c = new("WINDOW_UPDATE with increment 0 on a stream", zero)
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, 0))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("WINDOW_UPDATE with increment 0 on the connection", zero)
    c.handshake()
    c.step(window_update(0, 0))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("WINDOW_UPDATE with increment 0 on a half-closed (remote) stream", zero, respond="never")
    c.handshake()
    c.step(c.headers(1), window_update(1, 0))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("WINDOW_UPDATE with only the reserved bit set (increment 0)",
            zero + " [The reserved bit is ignored: §4.1]")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(WINDOW_UPDATE, 0, 1, struct.pack(">I", 0x80000000)))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("WINDOW_UPDATE with the reserved bit and increment 1",
            "The frame payload of a WINDOW_UPDATE frame is one reserved bit plus an unsigned 31-bit integer "
            "[the reserved bit MUST be ignored when receiving, §4.1]")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(WINDOW_UPDATE, 0, 1, struct.pack(">I", 0x80000001)))
    c.expect(c.liveness())

    c = new("WINDOW_UPDATE with a length of 3 octets",
            "A WINDOW_UPDATE frame with a length other than 4 octets MUST be treated as a connection error "
            "(Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(WINDOW_UPDATE, 0, 0, b"\x00\x00\x01"))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("WINDOW_UPDATE with a length of 5 octets on a stream",
            "A WINDOW_UPDATE frame with a length other than 4 octets MUST be treated as a connection error "
            "(Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), raw(WINDOW_UPDATE, 0, 1, b"\x00\x00\x00\x01\x00"))
    c.expect(connection_error("FRAME_SIZE_ERROR"))

    c = new("WINDOW_UPDATE on the connection",
            "The WINDOW_UPDATE frame can be specific to a stream or to the entire connection.")
    c.handshake()
    c.step(window_update(0, 1000))
    c.expect(c.liveness())

    c = new("WINDOW_UPDATE on an open stream",
            "The WINDOW_UPDATE frame can be specific to a stream or to the entire connection.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, 1000))
    c.expect(c.liveness())

    c = new("WINDOW_UPDATE on a half-closed (remote) stream",
            "WINDOW_UPDATE can be sent by a peer that has sent a frame with the END_STREAM flag set. ... A "
            "receiver MUST NOT treat this as an error (see Section 5.1).",
            respond="never")
    c.handshake()
    c.step(c.headers(1), window_update(1, 1000))
    c.expect(c.liveness())

    c = new("WINDOW_UPDATE on a closed stream",
            "This means that a receiver could receive a WINDOW_UPDATE frame on a stream in a \"half-closed "
            "(remote)\" or \"closed\" state. A receiver MUST NOT treat this as an error (see Section 5.1).")
    c.handshake()
    c.step(c.headers(1), expect=response(1))
    c.step(window_update(1, 1000))
    c.expect(c.liveness())


def section_6_9_1():
    cases = section("6.9.1-flow-window.json", "6.9.1", "The flow-control window (RFC 9113 §6.9.1)")
    new = counter("6.9.1", cases)
    respect = ("The sender MUST NOT send a flow-controlled frame with a length that exceeds the space available "
               "in either of the flow-control windows advertised by the receiver.")
    overflow = ("A sender MUST NOT allow a flow-control window to exceed 2^31-1 octets. If a sender receives a "
                "WINDOW_UPDATE that causes a flow-control window to exceed this maximum, it MUST terminate "
                "either the stream or the connection, as appropriate. For streams, the sender sends a "
                "RST_STREAM with an error code of FLOW_CONTROL_ERROR; for the connection, a GOAWAY frame with "
                "an error code of FLOW_CONTROL_ERROR is sent.")

    c = new("SETTINGS_INITIAL_WINDOW_SIZE of 1: one octet of DATA", respect)
    c.handshake()
    c.step(settings([(INITIAL_WINDOW_SIZE, 1)]), c.headers(1))
    c.expect(all_of(response(1), data_frame(1, 1), data_total(1, 1), no_error()))

    c = new("connection window above 2^31-1", overflow)
    c.handshake()
    c.step(window_update(0, MAX_WINDOW), window_update(0, MAX_WINDOW))
    c.expect(connection_error("FLOW_CONTROL_ERROR"))

    c = new("stream window above 2^31-1", overflow)
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, MAX_WINDOW), window_update(1, MAX_WINDOW))
    c.expect(stream_error(1, "FLOW_CONTROL_ERROR"))

    c = new("connection window one above 2^31-1", overflow)
    c.handshake()
    c.step(window_update(0, MAX_WINDOW - 65535))
    c.step(window_update(0, 1))
    c.expect(connection_error("FLOW_CONTROL_ERROR"))

    c = new("stream window one above 2^31-1", overflow)
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, MAX_WINDOW - 65535),
           expect=not_(frame_of("RST_STREAM")))
    c.step(window_update(1, 1))
    c.expect(stream_error(1, "FLOW_CONTROL_ERROR"))

    c = new("windows of exactly 2^31-1 are allowed",
            "A sender MUST NOT allow a flow-control window to exceed 2^31-1 octets. [2^31-1 itself is the "
            "maximum, not beyond it]")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, MAX_WINDOW - 65535),
           window_update(0, MAX_WINDOW - 65535))
    c.step(data(1, b"x", end_stream=True))
    c.expect(all_of(response(1), no_error()))

    c = new("the server respects the stream window", respect, response_body_length=100)
    c.handshake([(INITIAL_WINDOW_SIZE, 10)])
    c.step(c.headers(1), expect=all_of(response(1), data_total(1, 10)))
    c.step(window_update(1, 50), expect=data_total(1, 50))
    c.step(window_update(1, 100), expect=all_of(data_total(1, 40), data_frame(1, 40, end_stream=True)))
    c.expect(all_of(data_total(1, 100), no_error()))

    c = new("the server respects the connection window", respect, response_body_length=70000)
    c.handshake([(INITIAL_WINDOW_SIZE, 1 << 20)])
    c.step(c.headers(1), expect=all_of(response(1), data_total(1, 65535)))
    c.step(window_update(0, 10000), expect=data_total(1, 70000 - 65535))
    c.expect(all_of(data_total(1, 70000), no_error()))

    c = new("the connection window is shared by streams", respect, response_body_length=40000)
    c.handshake([(INITIAL_WINDOW_SIZE, 1 << 20)])
    c.step(c.headers(1), c.headers(3),
           expect=all_of(response(1), response(3), {"data_total": {"length": 65535}}))
    c.step(window_update(0, 20000), expect={"data_total": {"length": 80000 - 65535}})
    c.expect(all_of(data_total(1, 40000), data_total(3, 40000), no_error()))

    c = new("DATA beyond the server's stream window",
            respect + " [§7 FLOW_CONTROL_ERROR: The endpoint detected that its peer violated the "
            "flow-control protocol.]",
            server_settings={"initial_window_size": 16384},
            server_config={"returns_credit_automatically": False})
    c.handshake(note="preface, SETTINGS, and the ACK of the server's SETTINGS_INITIAL_WINDOW_SIZE = 16384")
    c.step(c.headers(1, POST, end_stream=False), data(1, rand_bytes(16384)), data(1, b"!", end_stream=True))
    c.expect(any_of(stream_error(1, "FLOW_CONTROL_ERROR"), connection_error("FLOW_CONTROL_ERROR")))

    c = new("DATA beyond the server's connection window",
            respect + " [§7 FLOW_CONTROL_ERROR: The endpoint detected that its peer violated the "
            "flow-control protocol.]",
            server_config={"connection_window": 65535, "returns_credit_automatically": False})
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, rand_bytes(16384)), data(1, rand_bytes(16384)),
           data(1, rand_bytes(16384)), data(1, rand_bytes(16384)))
    c.expect(connection_error("FLOW_CONTROL_ERROR"))

    c = new("an empty DATA with END_STREAM needs no window",
            "Frames with zero length with the END_STREAM flag set (that is, an empty DATA frame) MAY be sent "
            "if there is no available space in either flow-control window.",
            server_settings={"initial_window_size": 16384})
    c.handshake(note="preface, SETTINGS, and the ACK of the server's SETTINGS_INITIAL_WINDOW_SIZE = 16384")
    c.step(c.headers(1, POST, end_stream=False), data(1, rand_bytes(16384)), data(1, b"", end_stream=True))
    c.expect(all_of(response(1), no_error()))


def section_6_9_2():
    cases = section("6.9.2-initial-window.json", "6.9.2", "Initial flow-control window size (RFC 9113 §6.9.2)")
    new = counter("6.9.2", cases)
    adjust = ("When the value of SETTINGS_INITIAL_WINDOW_SIZE changes, a receiver MUST adjust the size of all "
              "stream flow-control windows that it maintains by the difference between the new value and the "
              "old value.")

    c = new("SETTINGS_INITIAL_WINDOW_SIZE changed after HEADERS", adjust)
    c.handshake([(INITIAL_WINDOW_SIZE, 0)])
    c.step(c.headers(1), expect=all_of(response(1), not_(frame_of("DATA", 1))))
    c.step(settings([(INITIAL_WINDOW_SIZE, 1)]), expect=all_of(data_frame(1, 1), data_total(1, 1)))
    c.expect(all_of(data_total(1, 1), no_error()))

    c = new("a negative window",
            "A change to SETTINGS_INITIAL_WINDOW_SIZE can cause the available space in a flow-control window "
            "to become negative. A sender MUST track the negative flow-control window and MUST NOT send new "
            "flow-controlled frames until it receives WINDOW_UPDATE frames that cause the flow-control "
            "window to become positive.",
            response_body_length=10)
    c.handshake([(INITIAL_WINDOW_SIZE, 3)])
    c.step(c.headers(1), expect=all_of(response(1), data_total(1, 3)))
    c.step(settings([(INITIAL_WINDOW_SIZE, 2)]), note="the window goes from 0 to -1",
           expect=not_(frame_of("DATA", 1)))
    c.step(window_update(1, 1), note="the window goes back to 0", expect=not_(frame_of("DATA", 1)))
    c.step(window_update(1, 2), note="the window is 2", expect=data_total(1, 2))
    c.expect(all_of(data_total(1, 5), no_error()))

    c = new("SETTINGS_INITIAL_WINDOW_SIZE above the maximum",
            "An endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE that causes any flow-control "
            "window to exceed the maximum size as a connection error (Section 5.4.1) of type "
            "FLOW_CONTROL_ERROR. [§6.5.2: Values above the maximum flow-control window size of 2^31-1 MUST be "
            "treated as a connection error of type FLOW_CONTROL_ERROR.]")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), settings([(INITIAL_WINDOW_SIZE, 2**31)]))
    c.expect(connection_error("FLOW_CONTROL_ERROR"))

    c = new("a SETTINGS change that pushes an open stream's window above 2^31-1",
            "An endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE that causes any flow-control "
            "window to exceed the maximum size as a connection error (Section 5.4.1) of type "
            "FLOW_CONTROL_ERROR.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, MAX_WINDOW - 65535),
           expect=not_(frame_of("RST_STREAM")))
    c.step(settings([(INITIAL_WINDOW_SIZE, 65536)]))
    c.expect(connection_error("FLOW_CONTROL_ERROR"))

    c = new("SETTINGS cannot alter the connection window",
            "A SETTINGS frame cannot alter the connection flow-control window.",
            response_body_length=100000)
    c.handshake([(INITIAL_WINDOW_SIZE, 200000)])
    c.step(c.headers(1))
    c.expect(all_of(response(1), data_total(1, 65535), no_error()))

    c = new("a smaller SETTINGS_INITIAL_WINDOW_SIZE applies to open streams", adjust, response_body_length=100)
    c.handshake([(INITIAL_WINDOW_SIZE, 0)])
    c.step(c.headers(1), c.headers(3), expect=not_(frame_of("DATA")))
    c.step(settings([(INITIAL_WINDOW_SIZE, 30)]), expect=all_of(data_total(1, 30), data_total(3, 30)))
    c.step(settings([(INITIAL_WINDOW_SIZE, 20)]), window_update(1, 15), window_update(3, 5),
           note="both windows go from 0 to -10, then to 5 and -5",
           expect=all_of(data_total(1, 5), not_(frame_of("DATA", 3))))
    c.expect(all_of(data_total(1, 35), data_total(3, 30), no_error()))

    c = new("a larger SETTINGS_INITIAL_WINDOW_SIZE releases blocked data", adjust, response_body_length=100)
    c.handshake([(INITIAL_WINDOW_SIZE, 40)])
    c.step(c.headers(1), expect=data_total(1, 40))
    c.step(settings([(INITIAL_WINDOW_SIZE, 65535)]), expect=all_of(data_total(1, 60), data_frame(1, 60, end_stream=True)))
    c.expect(all_of(data_total(1, 100), no_error()))


def section_6_10():
    cases = section("6.10-continuation.json", "6.10", "CONTINUATION (RFC 9113 §6.10)")
    new = counter("6.10", cases)
    preceded = ("A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame without "
                "the END_HEADERS flag set. A recipient that observes violation of this rule MUST respond with a "
                "connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    followed = ("If the END_HEADERS flag is not set, this frame MUST be followed by another CONTINUATION frame. A "
                "receiver MUST treat the receipt of any other type of frame or a frame on a different stream as "
                "a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")

    c = new("multiple CONTINUATION frames after HEADERS",
            "Any number of CONTINUATION frames can be sent, as long as the preceding frame is on the same "
            "stream and is a HEADERS, PUSH_PROMISE, or CONTINUATION frame without the END_HEADERS flag set.")
    c.handshake()
    fields = GET + [("x-part-%d" % i, "value-%d" % i) for i in range(6)]
    block = c.block(fields)
    chunks = [block[i:i + 8] for i in range(0, len(block), 8)]
    c.step(headers_frame(1, chunks[0], end_headers=False),
           *[continuation(1, chunk, end_headers=(i == len(chunks) - 2)) for i, chunk in enumerate(chunks[1:])])
    c.expect(all_of(response(1), request(1, fields), no_error()))

    c = new("CONTINUATION without END_HEADERS followed by DATA", followed)
    c.handshake()
    block = c.block(POST)
    c.step(headers_frame(1, block[:2], end_stream=False, end_headers=False),
           continuation(1, block[2:4], end_headers=False), data(1, b"x", end_stream=True))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("CONTINUATION without END_HEADERS followed by PING", followed)
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:2], end_headers=False), continuation(1, block[2:4], end_headers=False),
           ping(rand_bytes(8)))
    c.expect(all_of(connection_error("PROTOCOL_ERROR"), not_({"ping_ack": {}})))

    c = new("CONTINUATION on stream 0",
            "If a CONTINUATION frame is received with a Stream Identifier field of 0x00, the recipient MUST "
            "respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:2], end_headers=False), raw(CONTINUATION, END_HEADERS, 0, block[2:]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("CONTINUATION after HEADERS with END_HEADERS", preceded)
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), continuation(1, c.block([("x-after", "end-headers")])))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("CONTINUATION after CONTINUATION with END_HEADERS", preceded)
    c.handshake()
    block = c.block(POST)
    c.step(headers_frame(1, block[:2], end_stream=False, end_headers=False), continuation(1, block[2:]),
           continuation(1, c.block([("x-after", "end-headers")])))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("CONTINUATION after DATA", preceded)
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"body"), continuation(1, STATIC_GET))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("CONTINUATION on a different stream than its HEADERS", followed)
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:2], end_headers=False), continuation(3, block[2:]))
    c.expect(connection_error("PROTOCOL_ERROR"))

    c = new("one CONTINUATION frame completes the field block",
            "The CONTINUATION frame (type=0x09) is used to continue a sequence of field block fragments "
            "(Section 4.3).")
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:1], end_headers=False), continuation(1, block[1:]))
    c.expect(all_of(response(1), request(1, GET), no_error()))

    c = new("an empty CONTINUATION frame in a field block",
            "Any number of CONTINUATION frames can be sent, as long as the preceding frame is on the same "
            "stream and is a HEADERS, PUSH_PROMISE, or CONTINUATION frame without the END_HEADERS flag set.")
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:3], end_headers=False), continuation(1, b"", end_headers=False),
           continuation(1, block[3:]))
    c.expect(all_of(response(1), no_error()))

    c = new("CONTINUATION with undefined flags",
            "Unused flags MUST be ignored on receipt [§4.1]. The CONTINUATION frame defines the following "
            "flag: END_HEADERS (0x04)")
    c.handshake()
    block = c.block(GET)
    c.step(headers_frame(1, block[:3], end_headers=False), with_flags(continuation(1, block[3:]), 0xfb & ~0x04))
    c.expect(all_of(response(1), no_error()))

    c = new("CONTINUATION carrying trailers",
            "trailer fields comprise a sequence starting with a HEADERS frame, followed by zero or more "
            "CONTINUATION frames, where the HEADERS frame bears an END_STREAM flag. [§8.1]")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"body"))
    block = c.block([("x-trailer-one", "1"), ("x-trailer-two", "2")])
    c.step(headers_frame(1, block[:2], end_stream=True, end_headers=False), continuation(1, block[2:]))
    c.expect(all_of(response(1), no_error()))


def section_7():
    cases = section("7-error-codes.json", "7", "Error codes (RFC 9113 §7)")
    new = counter("7", cases)
    rule = "Unknown or unsupported error codes MUST NOT trigger any special behavior."

    c = new("GOAWAY with an unknown error code", rule)
    c.handshake()
    c.step(goaway(0, 0xabcdef))
    c.expect(no_error())

    c = new("RST_STREAM with an unknown error code", rule)
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), rst_stream(1, 0x1234567))
    c.expect(all_of(not_(frame_of("RST_STREAM")), c.liveness()))

    c = new("RST_STREAM with every defined error code", "The following error codes are defined: ...")
    c.handshake()
    streams = []
    for i, name in enumerate(CODES):
        stream = 1 + 2 * i
        streams.append(stream)
        c.step(c.headers(stream, POST, end_stream=False), rst_stream(stream, name))
    c.expect(all_of(not_(frame_of("RST_STREAM")), c.liveness()))

    c = new("the server's error codes are defined ones",
            "Error codes are 32-bit fields that are used in RST_STREAM and GOAWAY frames to convey the "
            "reasons for the stream or connection error.")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), window_update(1, 0), window_update(0, 0))
    c.expect(all_of(rst(1, "PROTOCOL_ERROR"), connection_error("PROTOCOL_ERROR"), {"known_codes": {}}))


# ---------------------------------------------------------------------------------------
# §8 HTTP semantics

def section_8():
    cases = section("8-http-semantics.json", "8", "Expressing HTTP semantics (RFC 9113 §8.1-§8.5)")
    malformed = ("Malformed requests or responses that are detected MUST be treated as a stream error "
                 "(Section 5.4.2) of type PROTOCOL_ERROR.")

    new = counter("8.1", cases)
    c = new("a second HEADERS without END_STREAM",
            "An endpoint that receives a HEADERS frame without the END_STREAM flag set after receiving the "
            "HEADERS frame that opens a request or after receiving a final (non-informational) status code "
            "MUST treat the corresponding request or response as malformed (Section 8.1.1).")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(1, [("x-trailer", "1")], end_stream=False))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("a second HEADERS without END_STREAM after DATA",
            "An endpoint that receives a HEADERS frame without the END_STREAM flag set after receiving the "
            "HEADERS frame that opens a request ... MUST treat the corresponding request or response as "
            "malformed (Section 8.1.1).")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"content"),
           c.headers(1, [("x-trailer", "1")], end_stream=False))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("a request with trailers",
            "Trailer fields are carried in a field block that also terminates the stream.")
    c.handshake()
    c.step(c.headers(1, POST + [("te", "trailers")], end_stream=False), data(1, b"content"),
           c.headers(1, [("x-checksum", "0123")], end_stream=True))
    c.expect(all_of(response(1), {"trailers": {"stream": 1, "fields": [["x-checksum", "0123"]]}}, no_error()))

    c = new("trailers with a pseudo-header field",
            "Trailers MUST NOT include pseudo-header fields (Section 8.3). An endpoint that receives "
            "pseudo-header fields in trailers MUST treat the request or response as malformed (Section "
            "8.1.1).")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), data(1, b"content"),
           c.headers(1, [(":method", "POST"), ("x-trailer", "1")], end_stream=True))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("trailers with only a pseudo-header field, right after the header section",
            "Pseudo-header fields MUST NOT appear in a trailer section. [§8.3]")
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), c.headers(1, [(":path", "/other")], end_stream=True))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("GET request", "A client sends an HTTP request on a new stream ... A server sends an HTTP response "
            "on the same stream as the request.")
    c.handshake()
    c.step(c.headers(1, GET))
    c.expect(all_of(response(1), request(1, GET, end_stream=True), no_error()))

    c = new("HEAD request", "A client sends an HTTP request on a new stream")
    c.handshake()
    c.step(c.headers(1, HEAD))
    c.expect(all_of(response(1), request(1, HEAD), no_error()))

    c = new("POST request with a body", "An HTTP message (request or response) consists of: one HEADERS frame "
            "... zero or more DATA frames containing the message content")
    c.handshake()
    c.step(c.headers(1, POST + [("content-type", "text/plain")], end_stream=False), data(1, b"posted", end_stream=True))
    c.expect(all_of(response(1), {"request_data": {"stream": 1, "data": b"posted".hex()}}, no_error()))

    c = new("a complete response ends the stream",
            "An HTTP response is complete after the server sends -- or the client receives -- a frame with the "
            "END_STREAM flag set")
    c.handshake()
    c.step(c.headers(1))
    c.expect(all_of({"order": [{"response": {"stream": 1, "status": "200"}},
                               {"data": {"stream": 1, "end_stream": True}}]}, no_error()))

    new = counter("8.1.1", cases)
    length_rule = ("A request or response is also malformed if the value of a content-length header field does "
                   "not equal the sum of the DATA frame payload lengths that form the content ... " + malformed)
    c = new("content-length larger than the DATA payload", length_rule)
    c.handshake()
    c.step(c.headers(1, POST + [("content-length", "10")], end_stream=False), data(1, b"short", end_stream=True))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("content-length smaller than the DATA payload", length_rule)
    c.handshake()
    c.step(c.headers(1, POST + [("content-length", "1")], end_stream=False), data(1, b"too long", end_stream=True))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("content-length different from the sum of several DATA frames", length_rule)
    c.handshake()
    c.step(c.headers(1, POST + [("content-length", "8")], end_stream=False), data(1, b"four"), data(1, b"four"),
           data(1, b"more", end_stream=True))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("content-length with END_STREAM on HEADERS", length_rule)
    c.handshake()
    c.step(c.headers(1, POST + [("content-length", "5")], end_stream=True))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("content-length matching the DATA payload",
            "A request or response that includes message content can include a content-length header field.")
    c.handshake()
    c.step(c.headers(1, POST + [("content-length", "11")], end_stream=False), data(1, b"hello "),
           data(1, b"world", end_stream=True))
    c.expect(all_of(response(1), no_error()))

    c = new("content-length of 0 and no DATA",
            "A request or response that includes message content can include a content-length header field.")
    c.handshake()
    c.step(c.headers(1, POST + [("content-length", "0")], end_stream=True))
    c.expect(all_of(response(1), no_error()))

    c = new("content-length mismatch with trailers", length_rule)
    c.handshake()
    c.step(c.headers(1, POST + [("content-length", "20")], end_stream=False), data(1, b"ten octets"),
           c.headers(1, [("x-trailer", "1")], end_stream=True))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    new = counter("8.2", cases)
    c = new("a field name in uppercase",
            "Field names MUST be converted to lowercase when constructing an HTTP/2 message. [§8.2.1: A field "
            "name MUST NOT contain characters in the ranges ... 0x41-0x5a; such a request MUST be treated as "
            "malformed] " + malformed)
    c.handshake()
    c.step(c.headers(1, GET + [("X-Uppercase", "1")]))
    c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    field_rule = ("A request or response that contains a field that violates any of these conditions MUST be "
                  "treated as malformed (Section 8.1.1). " + malformed)
    for title, field in (("a field name with a space", ("x bad", "1")),
                         ("a field name with a control character", ("x\x01bad", "1")),
                         ("a field name with DEL", ("x\x7fbad", "1")),
                         ("a field name with a non-ASCII octet", ("x\xe9bad", "1")),
                         ("a regular field name with a colon", ("x:bad", "1")),
                         ("a field value with NUL", ("x-bad", "a\x00b")),
                         ("a field value with LF", ("x-bad", "a\nb")),
                         ("a field value with CR", ("x-bad", "a\rb")),
                         ("a field value starting with a space", ("x-bad", " leading")),
                         ("a field value ending with a space", ("x-bad", "trailing ")),
                         ("a field value ending with a tab", ("x-bad", "trailing\t"))):
        c = new(title, "§8.2.1: Implementations MUST perform the following minimal validation of field names "
                "and values ... " + field_rule)
        c.handshake()
        c.step(c.headers(1, GET + [field]))
        c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    c = new("a field value with inner spaces and tabs is valid",
            "A field value MUST NOT start or end with an ASCII whitespace character [inside it is allowed]")
    c.handshake()
    fields = GET + [("x-spaced", "a b\tc")]
    c.step(c.headers(1, fields))
    c.expect(all_of(response(1), request(1, fields), no_error()))

    conn_rule = ("An endpoint MUST NOT generate an HTTP/2 message containing connection-specific header fields. "
                 "... Any message containing connection-specific header fields MUST be treated as malformed "
                 "(Section 8.1.1). " + malformed)
    for name, value in (("connection", "keep-alive"), ("proxy-connection", "keep-alive"), ("keep-alive", "timeout=5"),
                        ("transfer-encoding", "chunked"), ("upgrade", "h2c")):
        c = new(f"the connection-specific field {name}", "§8.2.2: " + conn_rule)
        c.handshake()
        c.step(c.headers(1, GET + [(name, value)]))
        c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    c = new("te: trailers is allowed",
            "The only exception to this is the TE header field, which MAY be present in an HTTP/2 request; "
            "when it is, it MUST NOT contain any value other than \"trailers\".")
    c.handshake()
    c.step(c.headers(1, GET + [("te", "trailers")]))
    c.expect(all_of(response(1), no_error()))

    for value in ("gzip", "trailers, deflate"):
        c = new(f"te: {value}",
                "The only exception to this is the TE header field, which MAY be present in an HTTP/2 request; "
                "when it is, it MUST NOT contain any value other than \"trailers\". " + malformed)
        c.handshake()
        c.step(c.headers(1, GET + [("te", value)]))
        c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    c = new("several cookie fields",
            "To allow for better compression efficiency, the Cookie header field MAY be split into separate "
            "header fields, each with one or more cookie-pairs.")
    c.handshake()
    c.step(c.headers(1, GET + [("cookie", "a=b"), ("cookie", "c=d"), ("cookie", "e=f")]))
    c.expect(all_of(response(1), no_error()))

    new = counter("8.3", cases)
    pseudo_rule = ("Endpoints MUST treat a request or response that contains undefined or invalid pseudo-header "
                   "fields as malformed (Section 8.1.1). " + malformed)
    c = new("an unknown pseudo-header field", pseudo_rule)
    c.handshake()
    c.step(c.headers(1, GET + [(":foo", "bar")]))
    c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    c = new("a response pseudo-header field in a request",
            "pseudo-header fields defined for responses MUST NOT appear in requests. " + pseudo_rule)
    c.handshake()
    c.step(c.headers(1, GET + [(":status", "200")]))
    c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    c = new("a pseudo-header field after a regular field",
            "All pseudo-header fields MUST appear in a field block before all regular field lines. Any request "
            "or response that contains a pseudo-header field that appears in a field block after a regular "
            "field line MUST be treated as malformed (Section 8.1.1).")
    c.handshake()
    c.step(c.headers(1, GET[:3] + [("x-regular", "1"), (":authority", "example.org")]))
    c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    for name, value in ((":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "example.org")):
        c = new(f"a repeated {name}",
                "The same pseudo-header field name MUST NOT appear more than once in a field block. A field "
                "block for an HTTP request or response that contains a repeated pseudo-header field name MUST "
                "be treated as malformed (Section 8.1.1).")
        c.handshake()
        index = [n for n, _ in GET].index(name)
        fields = GET[:index + 1] + [(name, value)] + GET[index + 1:]
        c.step(c.headers(1, fields))
        c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    new = counter("8.3.1", cases)
    c = new("an empty :path",
            "This pseudo-header field MUST NOT be empty for \"http\" or \"https\" URIs ... " + malformed)
    c.handshake()
    c.step(c.headers(1, [(":method", "GET"), (":scheme", "http"), (":path", ""), (":authority", "example.org")]))
    c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    for missing in (":method", ":scheme", ":path"):
        c = new(f"no {missing}",
                "All HTTP/2 requests MUST include exactly one valid value for the \":method\", \":scheme\", and "
                "\":path\" pseudo-header fields, unless they are CONNECT requests (Section 8.5). An HTTP request "
                "that omits mandatory pseudo-header fields is malformed (Section 8.1.1).")
        c.handshake()
        c.step(c.headers(1, [field for field in GET if field[0] != missing]))
        c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    c = new("an empty :method",
            "All HTTP/2 requests MUST include exactly one valid value for the \":method\", \":scheme\", and "
            "\":path\" pseudo-header fields ... " + malformed)
    c.handshake()
    c.step(c.headers(1, [(":method", ""), (":scheme", "http"), (":path", "/"), (":authority", "example.org")]))
    c.expect(all_of(stream_error(1, "PROTOCOL_ERROR"), not_(response(1))))

    c = new("no :authority is allowed",
            "Clients that generate HTTP/2 requests directly MUST use the \":authority\" pseudo-header field to "
            "convey authority information, unless there is no authority information to convey")
    c.handshake()
    fields = GET[:3] + [("host", "example.org")]
    c.step(c.headers(1, fields))
    c.expect(all_of(response(1), no_error()))

    c = new("OPTIONS with :path *",
            "an OPTIONS request for an \"http\" or \"https\" URI that does not include a path component; these "
            "MUST include a \":path\" pseudo-header field with a value of '*'")
    c.handshake()
    c.step(c.headers(1, [(":method", "OPTIONS"), (":scheme", "https"), (":path", "*"), (":authority", "example.org")]))
    c.expect(all_of(response(1), no_error()))

    c = new("a request with a query",
            "The \":path\" pseudo-header field includes the path and query parts of the target URI")
    c.handshake()
    fields = [(":method", "GET"), (":scheme", "https"), (":path", "/search?q=h2&lang=en"), (":authority", "example.org")]
    c.step(c.headers(1, fields))
    c.expect(all_of(response(1), request(1, fields), no_error()))

    new = counter("8.5", cases)
    c = new("CONNECT with :authority only",
            "The \":method\" pseudo-header field is set to CONNECT. The \":scheme\" and \":path\" pseudo-header "
            "fields MUST be omitted. The \":authority\" pseudo-header field contains the host and port to "
            "connect to")
    c.handshake()
    c.step(c.headers(1, [(":method", "CONNECT"), (":authority", "example.org:443")], end_stream=False))
    c.expect(all_of(request(1, [(":method", "CONNECT"), (":authority", "example.org:443")]), no_error()))

    c = new("CONNECT with :path",
            "The \":scheme\" and \":path\" pseudo-header fields MUST be omitted. ... A CONNECT request that does "
            "not conform to these restrictions is malformed (Section 8.1.1).")
    c.handshake()
    c.step(c.headers(1, [(":method", "CONNECT"), (":authority", "example.org:443"), (":path", "/")],
                     end_stream=False))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))

    c = new("CONNECT without :authority",
            "The \":authority\" pseudo-header field contains the host and port to connect to ... A CONNECT "
            "request that does not conform to these restrictions is malformed (Section 8.1.1).")
    c.handshake()
    c.step(c.headers(1, [(":method", "CONNECT")], end_stream=False))
    c.expect(stream_error(1, "PROTOCOL_ERROR"))


# ---------------------------------------------------------------------------------------
# HPACK (RFC 7541) as seen through HTTP/2 (RFC 9113 §4.3)

def section_hpack():
    cases = section("hpack.json", "HPACK", "Field compression through the connection (RFC 7541, RFC 9113 §4.3)")
    decoding = ("A decoding error in a field block MUST be treated as a connection error (Section 5.4.1) of type "
                "COMPRESSION_ERROR. [RFC 9113 §4.3]")

    new = counter("hpack", cases)

    def negative(title, rule, block):
        c = new(title, rule + " " + decoding)
        c.handshake()
        c.step(headers_frame(1, block))
        c.expect(connection_error("COMPRESSION_ERROR"))

    negative("indexed field with an index beyond both tables",
             "RFC 7541 §2.3.3: Indices strictly greater than the sum of the lengths of both tables MUST be "
             "treated as a decoding error.", STATIC_GET + indexed(70))
    negative("literal field with a name index beyond both tables",
             "RFC 7541 §2.3.3: Indices strictly greater than the sum of the lengths of both tables MUST be "
             "treated as a decoding error.", STATIC_GET + literal("without", "v", index=70))
    negative("indexed field with index 0",
             "RFC 7541 §6.1: The index value of 0 is not used. It MUST be treated as a decoding error if found "
             "in an indexed header field representation.", indexed(0) + STATIC_GET)
    negative("dynamic table size update at the end of the block",
             "RFC 7541 §4.2: This dynamic table size update MUST occur at the beginning of the first header "
             "block following the change to the dynamic table size.", STATIC_GET + size_update(0))
    negative("dynamic table size update between fields",
             "RFC 7541 §4.2: This dynamic table size update MUST occur at the beginning of the first header "
             "block following the change to the dynamic table size.",
             indexed(2) + indexed(6) + size_update(100) + indexed(4) + literal("without", "example.org", index=1))
    negative("dynamic table size update above SETTINGS_HEADER_TABLE_SIZE",
             "RFC 7541 §6.3: The new maximum size MUST be lower than or equal to the limit determined by the "
             "protocol using HPACK. A value that exceeds this limit MUST be treated as a decoding error.",
             size_update(4097) + STATIC_GET)
    negative("Huffman string with padding longer than 7 bits",
             "RFC 7541 §5.2: A padding strictly longer than 7 bits MUST be treated as a decoding error.",
             STATIC_GET + literal("without", b"", name="x-huffman")[:-1] + bytes([0x82, 0x1f, 0xff]))
    negative("Huffman string padded with zeros",
             "RFC 7541 §5.2: A padding not corresponding to the most significant bits of the code for the EOS "
             "symbol MUST be treated as a decoding error.",
             STATIC_GET + literal("without", b"", name="x-huffman")[:-1] + bytes([0x81, 0x18]))
    negative("Huffman string containing EOS",
             "RFC 7541 §5.2: A Huffman-encoded string literal containing the EOS symbol MUST be treated as a "
             "decoding error.",
             STATIC_GET + literal("without", b"", name="x-huffman")[:-1] + bytes([0x84, 0xff, 0xff, 0xff, 0xff]))
    negative("integer that overflows",
             "RFC 7541 §5.1: Integer encodings that exceed implementation limits -- in value or octet length -- "
             "MUST be treated as decoding errors.",
             STATIC_GET + bytes([0xff]) + bytes([0xff] * 10) + bytes([0x7f]))
    negative("integer cut off by the end of the block",
             "RFC 7541 §5.1 [an integer whose continuation bit is set on its last octet is incomplete]; a "
             "decoding error is a connection error COMPRESSION_ERROR.", STATIC_GET + bytes([0xff, 0x80]))
    negative("string longer than the rest of the block",
             "RFC 7541 §5.2 [a string literal of 10 octets with 3 present is incomplete]; a decoding error is "
             "a connection error COMPRESSION_ERROR.", STATIC_GET + bytes([0x00, 0x0a]) + b"abc")
    negative("reference to an evicted dynamic table entry",
             "RFC 7541 §4.4: the entry is evicted ... §2.3.3: Indices strictly greater than the sum of the "
             "lengths of both tables MUST be treated as a decoding error.",
             size_update(40) + literal("incremental", "1", name="x-a") + literal("incremental", "2", name="x-b")
             + indexed(63) + STATIC_GET)

    c = new("decoding error in a block split over CONTINUATION", decoding)
    c.handshake()
    block = STATIC_GET + indexed(70)
    c.step(headers_frame(1, block[:4], end_headers=False), continuation(1, block[4:]))
    c.expect(connection_error("COMPRESSION_ERROR"))

    c = new("decoding error on a stream that will be refused", decoding,
            server_settings={"max_concurrent_streams": 1})
    c.handshake()
    c.step(c.headers(1, POST, end_stream=False), headers_frame(3, STATIC_GET + indexed(0)))
    c.expect(connection_error("COMPRESSION_ERROR"))

    # Representations (RFC 7541 §6), each in a request the server must answer.
    def positive(title, rule, extra, fields, pre=b""):
        c = new(title, rule)
        c.handshake()
        c.step(headers_frame(1, pre + STATIC_GET + extra))
        c.expect(all_of(response(1), request(1, fields), no_error()))
        return c

    base = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "example.org")]
    positive("indexed field representations",
             "RFC 7541 §6.1: An indexed header field representation identifies an entry in either the static "
             "table or the dynamic table", b"", base)
    for kind, section_no, label in (("incremental", "6.2.1", "with incremental indexing"),
                                    ("without", "6.2.2", "without indexing"),
                                    ("never", "6.2.3", "never indexed")):
        rule = f"RFC 7541 §{section_no}: literal header field {label}"
        positive(f"literal {label}, indexed name", rule,
                 literal(kind, "h2-conformance", index=58), base + [("user-agent", "h2-conformance")])
        positive(f"literal {label}, indexed name, Huffman value", rule,
                 literal(kind, "h2-conformance", index=58, huffman=True), base + [("user-agent", "h2-conformance")])
        positive(f"literal {label}, new name", rule,
                 literal(kind, "value", name="x-new-name"), base + [("x-new-name", "value")])
        positive(f"literal {label}, new name, Huffman", rule,
                 literal(kind, "value", name="x-new-name", huffman=True), base + [("x-new-name", "value")])

    positive("dynamic table size update to 0 at the start",
             "RFC 7541 §6.3: A dynamic table size update signals a change to the size of the dynamic table.",
             literal("incremental", "kept-out", name="x-not-stored"), base + [("x-not-stored", "kept-out")],
             pre=size_update(0))
    positive("two dynamic table size updates at the start",
             "RFC 7541 §4.2: ... multiple updates to the maximum table size can occur between the transmission "
             "of two header blocks. ... the smallest maximum table size that occurs in that interval MUST be "
             "signaled in a dynamic table size update. The final maximum size is always signaled",
             literal("incremental", "v", name="x-after-updates"), base + [("x-after-updates", "v")],
             pre=size_update(0) + size_update(4096))

    c = new("an entry added by one request is used by the next",
            "RFC 7541 §2.3.2: The dynamic table ... the encoder decides how to update the dynamic table and as "
            "such can control how much memory is used by the dynamic table. [RFC 9113 §4.3.1: one context per "
            "connection]")
    c.handshake()
    c.step(headers_frame(1, STATIC_GET + literal("incremental", "shared-value", name="x-shared")),
           headers_frame(3, STATIC_GET + indexed(62)))
    c.expect(all_of(response(1), response(3), request(3, base + [("x-shared", "shared-value")]), no_error()))

    c = new("entries are evicted to fit a size update",
            "RFC 7541 §4.3: Whenever the maximum size for the dynamic table is reduced, entries are evicted "
            "from the end of the dynamic table until the size of the dynamic table is less than or equal to "
            "the maximum size.")
    c.handshake()
    c.step(headers_frame(1, STATIC_GET + literal("incremental", "one", name="x-first")
                         + literal("incremental", "two", name="x-second")))
    # Entries: x-first 7 + 3 + 32 = 42 octets, x-second 8 + 3 + 32 = 43. A maximum of 50 evicts the
    # oldest, x-first, and keeps x-second at index 62.
    c.step(headers_frame(3, size_update(50) + STATIC_GET + indexed(62)))
    c.expect(all_of(response(1), response(3), request(3, base + [("x-second", "two")]), no_error()))

    c = new("the server's own field blocks decode with a fresh RFC 7541 decoder",
            "RFC 9113 §4.3.1: Each endpoint has an HPACK encoder context and an HPACK decoder context that are "
            "used for encoding and decoding all field blocks on a connection.")
    c.handshake()
    c.step(c.headers(1), c.headers(3), c.headers(5))
    c.expect(all_of(response(1), response(3), response(5), no_error()))


# =======================================================================================
# Client role: our engine is the client; every scenario octet is the server's.
#
# The runner drains the client's preface (checking it is the 24-octet magic and a SETTINGS
# frame), sends the case's `requests`, then feeds each step's octets and performs the
# step's own actions (`requests`, `data`, `reset`) after them. Expectations on events
# (`response`, `response_data`, `stream_reset_event`...) look at what the connection
# reported to the application; frame kinds look at what the client sent.

CLIENT_DIR = "client"

# Requests our client sends (as [name, value] pairs for the runner).
C_GET = [(":method", "GET"), (":scheme", "https"), (":authority", "example.com"), (":path", "/")]
C_POST = [(":method", "POST"), (":scheme", "https"), (":authority", "example.com"), (":path", "/upload")]
C_HEAD = [(":method", "HEAD"), (":scheme", "https"), (":authority", "example.com"), (":path", "/")]

# Responses the scenarios' server sends.
OK = [(":status", "200")]
OK_TEXT = [(":status", "200"), ("content-type", "text/plain")]

# A response head from the static table only (RFC 7541 Appendix A: index 8 is :status 200).
STATIC_200 = indexed(8)


def req(fields=C_GET, end_stream=None, body=None, body_end_stream=None, trailers=None):
    """A request for the runner to send with Connection.sendRequest (then sendData and
    sendHeaders for `body` octets and `trailers`)."""
    out = {"headers": [[name, value] for name, value in fields]}
    if end_stream is not None:
        out["end_stream"] = end_stream
    if body is not None:
        out["body"] = body
    if body_end_stream is not None:
        out["body_end_stream"] = body_end_stream
    if trailers is not None:
        out["trailers"] = [[name, value] for name, value in trailers]
    return out


def gets(count, fields=C_GET):
    return [req(fields) for _ in range(count)]


def resp(stream, status="200", end_stream=None, fields=None):
    """Client role: the connection reported a response (interim ones too) on the stream."""
    body = {"stream": stream}
    if status is not None:
        body["status"] = status
    if end_stream is not None:
        body["end_stream"] = end_stream
    if fields is not None:
        body["fields"] = [[name, value] for name, value in fields]
    return {"response": body}


def any_resp(stream):
    return {"response": {"stream": stream}}


def resp_data(stream, length=None, end_stream=None):
    body = {"stream": stream}
    if length is not None:
        body["length"] = length
    if end_stream is not None:
        body["end_stream"] = end_stream
    return {"response_data": body}


def reset_event(stream=None, code=None, by_peer=None):
    body = {}
    if stream is not None:
        body["stream"] = stream
    if code is not None:
        body["code"] = code
    if by_peer is not None:
        body["by_peer"] = by_peer
    return {"stream_reset_event": body}


def closed_event(stream):
    return {"stream_closed_event": {"stream": stream}}


def goaway_event(last_stream=None, code=None):
    body = {}
    if last_stream is not None:
        body["last_stream"] = last_stream
    if code is not None:
        body["code"] = code
    return {"goaway_event": body}


def sent(stream, end_stream=None, fields=None):
    """Request HEADERS (a field block holding :method) we sent on the stream."""
    body = {"stream": stream}
    if end_stream is not None:
        body["end_stream"] = end_stream
    if fields is not None:
        body["fields"] = [[name, value] for name, value in fields]
    return {"request_sent": body}


def started(stream):
    return {"request_started": {"stream": stream}}


def queued(count):
    return {"queued": {"count": count}}


def max_open(count):
    return {"max_open_streams": {"count": count}}


def rejected(count=None):
    return {"request_rejected": {} if count is None else {"count": count}}


def credit(stream, at_least):
    return {"window_credit": {"stream": stream, "at_least": at_least}}


def data_end(stream):
    """A DATA frame we sent on the stream with END_STREAM."""
    return {"data": {"stream": stream, "end_stream": True}}


def data_all(length):
    """The DATA octets we sent, on every stream, add up to `length`."""
    return {"data_total": {"length": length}}


def connection_error_event(code=None):
    return {"connection_error_event": {} if code is None else {"code": code}}


def client_stream_error(stream, code):
    """RFC 9113 §5.4.2 stream error: RST_STREAM with the code and the reset reported to the
    application; or (§5.4.1) a connection error with that code."""
    return any_of(all_of(rst(stream, code), reset_event(stream, code, by_peer=False)),
                  connection_error(code))


def conn_error(code):
    """A connection error: GOAWAY with the code, closed, and the error reported."""
    return all_of(connection_error(code), connection_error_event(code))


def malformed_response(stream):
    """RFC 9113 §8.1.1: a malformed response is a stream error PROTOCOL_ERROR, and a client
    MUST NOT accept it."""
    return all_of(client_stream_error(stream, "PROTOCOL_ERROR"), not_(any_resp(stream)))


class ClientCase(Case):
    """A client scenario: the steps hold the server's octets."""

    def __init__(self, cid, title, rfc, requests=None, client_settings=None, client_config=None,
                 server_header_table_size=None):
        super().__init__(cid, title, rfc)
        if client_settings:
            self.options["client_settings"] = client_settings
        if client_config:
            self.options["client_config"] = client_config
        if server_header_table_size is not None:
            self.options["server_header_table_size"] = server_header_table_size
        if requests:
            self.options["requests"] = requests

    def headers(self, stream, fields=OK, end_stream=True, end_headers=True, pad=None, prio=None, extra=b""):
        return headers_frame(stream, self.block(fields) + extra, end_stream, end_headers, pad, prio)

    def step(self, *parts, requests=None, data=None, reset=None, expect=None, note=None, setup=False):
        entry = {}
        if parts:
            entry["send"] = b"".join(parts).hex()
        if requests:
            entry["requests"] = requests
        if data:
            entry["data"] = [{"stream": s, "length": n, "end_stream": e} for s, n, e in data]
        if reset:
            entry["reset"] = [{"stream": s, "code": code} for s, code in reset]
        if note:
            entry["note"] = note
        if setup:
            entry["setup"] = True
        if expect is not None:
            entry["expect"] = expect
        self.steps.append(entry)
        return self

    def handshake(self, pairs=(), note=None, setup=True):
        """The server's preface SETTINGS and its ACK of the client's SETTINGS."""
        return self.step(settings(pairs), settings_ack(), setup=setup,
                         note=note or "server preface SETTINGS, ACK of the client's SETTINGS")


def client_section(filename, number, title):
    cases = []
    FILES.append((f"{CLIENT_DIR}/{filename}", number, title, cases))
    ROLES[f"{CLIENT_DIR}/{filename}"] = "client"
    return cases


def client_counter(prefix, cases):
    def make(title, rfc, **options):
        case = ClientCase(f"client/{prefix}/{len(cases) + 1}", title, rfc, **options)
        cases.append(case)
        return case
    return make


# ---------------------------------------------------------------------------------------
# §3.4 The server connection preface

def client_section_3():
    cases = client_section("3-starting.json", "3", "Starting HTTP/2, client role: the server's preface (RFC 9113 §3.4)")
    new = client_counter("3.4", cases)
    first = ("The server connection preface consists of a potentially empty SETTINGS frame (Section 6.5) that MUST "
             "be the first frame the server sends in the HTTP/2 connection. ... Clients and servers MUST treat an "
             "invalid connection preface as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")

    c = new("the client preface: the 24 octets, then SETTINGS",
            "That is, the connection preface starts with the string \"PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n\". This "
            "sequence MUST be followed by a SETTINGS frame (Section 6.5), which MAY be empty. [the runner checks "
            "the octets before any step]")
    c.handshake(setup=False)
    c.expect(all_of({"first_frame": {"type": "SETTINGS", "ack": False}}, settings_acks(1), no_error()))

    c = new("an empty SETTINGS is a valid server preface, acknowledged",
            "The SETTINGS frames received from a peer as part of the connection preface MUST be acknowledged "
            "(see Section 6.5.3) after sending the connection preface.", requests=[req()])
    c.step(settings(), note="empty server SETTINGS")
    c.step(c.headers(1, OK_TEXT), note="the response")
    c.expect(all_of(settings_acks(1), resp(1, "200", end_stream=True), no_error()))

    c = new("requests may leave before the server's preface arrives",
            "To avoid unnecessary latency, clients are permitted to send additional frames to the server "
            "immediately after sending the client connection preface, without waiting to receive the server "
            "connection preface.", requests=gets(2))
    c.handshake()
    c.step(c.headers(1), c.headers(3))
    c.expect(all_of(sent(1, end_stream=True), sent(3, end_stream=True), resp(1), resp(3), no_error()))

    c = new("the server's SETTINGS split over two reads",
            "The server connection preface consists of a potentially empty SETTINGS frame (Section 6.5) [a frame "
            "may arrive in pieces]", requests=[req()])
    preface = settings([(MAX_CONCURRENT_STREAMS, 100), (INITIAL_WINDOW_SIZE, 65535)])
    c.step(preface[:7], expect=no_frames(), note="the first 7 octets")
    c.step(preface[7:], settings_ack(), c.headers(1))
    c.expect(all_of(settings_acks(1), resp(1), no_error()))

    c = new("the preface SETTINGS and a response in one read",
            "Upon receiving the SETTINGS frame, the client is expected to honor any settings established.",
            requests=[req()])
    c.step(settings([(MAX_FRAME_SIZE, 32768)]), settings_ack(), c.headers(1, OK_TEXT, end_stream=False),
           data(1, b"hello", end_stream=True))
    c.expect(all_of(settings_acks(1), resp(1), resp_data(1, 5, end_stream=True), no_error()))

    for label, frame in (("PING", ping(rand_bytes(8))),
                         ("a response HEADERS", None),
                         ("a SETTINGS ACK", settings_ack()),
                         ("WINDOW_UPDATE", window_update(0, 1000)),
                         ("GOAWAY", goaway(0, "NO_ERROR"))):
        c = new(f"{label} instead of the server's SETTINGS", first, requests=[req()])
        c.step(frame if frame is not None else c.headers(1))
        c.expect(all_of(conn_error("PROTOCOL_ERROR"), not_(any_resp(1))))

    c = new("an HTTP/1.1 answer instead of the server's preface", first, requests=[req()])
    c.step(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
    c.expect(any_of(conn_error("PROTOCOL_ERROR"), all_of(closed(), not_(goaway_any()))))


# ---------------------------------------------------------------------------------------
# §4 Frames

def client_section_4():
    cases = client_section("4-frames.json", "4", "HTTP frames, client role (RFC 9113 §4.1, §4.2)")
    new = client_counter("4.1", cases)

    c = new("a frame of unknown type on the connection is ignored",
            "Implementations MUST ignore and discard frames of unknown types.", requests=[req()])
    c.handshake()
    c.step(extension(0x2b, 0, 0, rand_bytes(12)), c.headers(1))
    c.expect(all_of(resp(1), no_error()))

    c = new("a frame of unknown type inside a response is ignored",
            "Implementations MUST ignore and discard frames of unknown types.", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK_TEXT, end_stream=False), extension(0xee, 1, 0xff, b"ignore me"),
           data(1, b"body", end_stream=True))
    c.expect(all_of(resp(1), resp_data(1, 4, end_stream=True), no_error()))

    c = new("undefined flags on a response are ignored",
            "Flags that have no defined semantics for a particular frame type MUST be ignored and MUST be left "
            "unset (0x00) when sending.", requests=[req()])
    c.handshake()
    c.step(with_flags(c.headers(1, OK_TEXT, end_stream=False), 0x02 | 0x10 | 0x40),
           with_flags(data(1, b"body", end_stream=True), 0x02 | 0x04 | 0x20))
    c.expect(all_of(resp(1), resp_data(1, 4, end_stream=True), no_error()))

    c = new("the reserved bit on a response's frames is ignored",
            "The semantics of this bit are undefined, and the bit MUST remain unset (0x00) when sending and MUST "
            "be ignored when receiving.", requests=[req()])
    c.handshake()
    c.step(with_reserved_bit(c.headers(1, OK_TEXT, end_stream=False)), with_reserved_bit(data(1, b"body", True)))
    c.expect(all_of(resp(1), resp_data(1, 4, end_stream=True), no_error()))

    c = new("the client's frames are clean",
            "Flags that have no defined semantics for a particular frame type MUST be ignored and MUST be left "
            "unset (0x00) when sending. ... the bit MUST remain unset (0x00) when sending",
            requests=[req(C_POST, body=20000, trailers=[("x-checksum", "0")])])
    c.handshake()
    c.step(ping(rand_bytes(8)), window_update(0, 100000), window_update(1, 100000), c.headers(1))
    c.expect(all_of({"clean_frames": {}}, {"known_codes": {}}, data_total(1, 20000)))

    new = client_counter("4.2", cases)
    c = new("request DATA frames respect the server's SETTINGS_MAX_FRAME_SIZE (initial value)",
            "An endpoint MUST NOT send a frame if it exceeds the size defined in SETTINGS_MAX_FRAME_SIZE. [the "
            "initial value is 2^14 (16,384) octets]", requests=[req(C_POST, body=40000)])
    c.handshake()
    c.step(c.headers(1))
    c.expect(all_of({"max_frame_length": {"length": 16384}}, data_total(1, 40000), data_frame(1, 40000 - 2 * 16384, True)))

    c = new("response DATA above SETTINGS_MAX_FRAME_SIZE",
            "An endpoint MUST send an error code of FRAME_SIZE_ERROR if a frame exceeds the size defined in "
            "SETTINGS_MAX_FRAME_SIZE ... A frame size error in a frame that could alter the state of the entire "
            "connection MUST be treated as a connection error (Section 5.4.1)", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK, end_stream=False), data(1, bytes(16385), end_stream=True))
    c.expect(all_of(client_stream_error(1, "FRAME_SIZE_ERROR"), not_(resp_data(1))))

    c = new("response HEADERS above SETTINGS_MAX_FRAME_SIZE",
            "A frame size error in a frame that could alter the state of the entire connection MUST be treated "
            "as a connection error (Section 5.4.1); this includes any frame carrying a field block (Section 4.3)",
            requests=[req()])
    c.handshake()
    c.step(headers_frame(1, STATIC_200 + literal("without", "x" * 16400, name="x-big")))
    c.expect(conn_error("FRAME_SIZE_ERROR"))


# ---------------------------------------------------------------------------------------
# §5.1 Stream states, §5.1.1 identifiers, §5.1.2 concurrency

def client_section_5_1():
    cases = client_section("5.1-stream-states.json", "5.1", "Stream states, client role (RFC 9113 §5.1)")
    new = client_counter("5.1", cases)
    idle = ("Receiving any frame other than HEADERS or PRIORITY on a stream in this state MUST be treated as a "
            "connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    server_idle = ("If this stream is initiated by the server, as described in Section 5.1.1, then receiving a "
                   "HEADERS frame MUST also be treated as a connection error (Section 5.4.1) of type "
                   "PROTOCOL_ERROR.")

    c = new("HEADERS from the server on idle stream 2", server_idle)
    c.handshake()
    c.step(c.headers(2))
    c.expect(all_of(conn_error("PROTOCOL_ERROR"), not_(any_resp(2))))

    c = new("HEADERS from the server on idle stream 2 while a request is open", server_idle, requests=[req()])
    c.handshake()
    c.step(c.headers(2, OK, end_stream=False))
    c.expect(all_of(conn_error("PROTOCOL_ERROR"), not_(any_resp(2))))

    c = new("HEADERS from the server on idle stream 1 (no request sent)",
            "Streams initiated by a client MUST use odd-numbered stream identifiers ... An endpoint that receives "
            "an unexpected stream identifier MUST respond with a connection error (Section 5.4.1) of type "
            "PROTOCOL_ERROR. [§5.1.1]")
    c.handshake()
    c.step(c.headers(1))
    c.expect(all_of(conn_error("PROTOCOL_ERROR"), not_(any_resp(1))))

    for label, frame in (("DATA on idle stream 1", data(1, b"early", end_stream=True)),
                         ("DATA on idle stream 2", data(2, b"pushed?")),
                         ("RST_STREAM on idle stream 1", rst_stream(1, "CANCEL")),
                         ("WINDOW_UPDATE on idle stream 3", window_update(3, 100))):
        c = new(label, idle + (" [§6.4: If a RST_STREAM frame identifying an idle stream is received, the "
                               "recipient MUST treat this as a connection error (Section 5.4.1) of type "
                               "PROTOCOL_ERROR.]" if "RST" in label else ""),
                requests=[req()] if "3" in label else None)
        c.handshake()
        c.step(frame)
        c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("PRIORITY on an idle stream is allowed",
            "Note that PRIORITY can be sent and received in any stream state.")
    c.handshake()
    c.step(priority(5, depends_on=0, weight=31))
    c.expect(c.liveness())

    c = new("half-closed (local): the whole response is received",
            "half-closed (local): ... An endpoint can receive any type of frame in this state. ... A stream "
            "transitions from this state to \"closed\" when a frame is received with the END_STREAM flag set",
            requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK_TEXT, end_stream=False), data(1, b"first "), data(1, b"second", end_stream=True))
    c.expect(all_of(sent(1, end_stream=True), resp(1, end_stream=False), resp_data(1, 12, end_stream=True),
                    closed_event(1), no_error()))

    half_remote = ("half-closed (remote): ... If an endpoint receives additional frames, other than "
                   "WINDOW_UPDATE, PRIORITY, or RST_STREAM, for a stream that is in this state, it MUST respond "
                   "with a stream error (Section 5.4.2) of type STREAM_CLOSED.")
    c = new("half-closed (remote): DATA after the response ended", half_remote,
            requests=[req(C_POST, end_stream=False)])
    c.handshake()
    c.step(c.headers(1), note="a complete response while the request is still open",
           expect=all_of(resp(1, end_stream=True), no_error()))
    c.step(data(1, b"late", end_stream=True))
    c.expect(all_of(client_stream_error(1, "STREAM_CLOSED"), not_(resp_data(1))))

    c = new("half-closed (remote): HEADERS after the response ended", half_remote,
            requests=[req(C_POST, end_stream=False)])
    c.handshake()
    c.step(c.headers(1), expect=resp(1, end_stream=True))
    c.step(c.headers(1, [("x-trailer", "late")]))
    c.expect(all_of(client_stream_error(1, "STREAM_CLOSED"), not_({"trailers": {"stream": 1}})))

    c = new("half-closed (remote): WINDOW_UPDATE is allowed and the request can still be sent",
            "A stream that is \"half-closed (remote)\" can be used by the endpoint to send frames of any type. In "
            "this state, the endpoint continues to observe advertised stream-level flow-control limits",
            requests=[req(C_POST, end_stream=False)])
    c.handshake()
    c.step(c.headers(1), window_update(1, 1000), priority(1, weight=7), data=[(1, 10, True)])
    c.expect(all_of(resp(1, end_stream=True), data_frame(1, 10, end_stream=True), no_error()))

    c = new("a second response on a closed stream is not delivered",
            "closed: ... An endpoint MAY treat receipt of any other type of frame on a closed stream as a "
            "connection error (Section 5.4.1) of type STREAM_CLOSED ... An endpoint can perform this minimal "
            "processing for all streams that are in the \"closed\" state. [minimal processing: HPACK state "
            "updated]", requests=gets(2))
    c.handshake()
    c.step(c.headers(1), setup=True, expect=resp(1, end_stream=True), note="stream 1 complete: closed")
    c.step(c.headers(1, [(":status", "200"), ("x-late", "abc")]), note="HEADERS on the closed stream 1",
           expect=not_(any_resp(1)))
    c.step(c.headers(3, [(":status", "200"), ("x-late", "abc")]), note="stream 3 reuses the dynamic table entry")
    c.expect(any_of(conn_error("STREAM_CLOSED"), conn_error("PROTOCOL_ERROR"),
                    all_of(resp(3, fields=[("x-late", "abc")]), not_(goaway_any()))))

    c = new("frames on a stream the client reset are discarded, HPACK stays in step",
            "An endpoint that sends a RST_STREAM frame on a stream that is in the \"open\" or \"half-closed "
            "(local)\" state could receive any type of frame. ... An endpoint MUST minimally process and then "
            "discard any frames it receives in this state. This means updating header compression state for "
            "HEADERS and PUSH_PROMISE frames.", requests=gets(2))
    c.handshake()
    c.step(reset=[(1, "CANCEL")], expect=rst(1, "CANCEL"), note="the client cancels stream 1", setup=True)
    c.step(c.headers(1, [(":status", "200"), ("x-cached", "one")], end_stream=False), data(1, b"discarded"),
           data(1, b"", end_stream=True), note="the server had already answered", expect=not_(any_resp(1)))
    c.step(c.headers(3, [(":status", "200"), ("x-cached", "one")]))
    c.expect(all_of(resp(3, fields=[("x-cached", "one")]), not_(resp_data(1)), no_error(),
                    not_(frame_of("GOAWAY"))))

    c = new("DATA on a stream the client reset still counts toward the connection window",
            "Additionally, the content of DATA frames counts toward the connection flow-control window. [so the "
            "client returns that credit, at least half of it here, or the connection stalls]",
            requests=gets(2), client_config={"connection_window": 65535})
    c.handshake()
    c.step(reset=[(1, "CANCEL")], expect=rst(1, "CANCEL"), setup=True)
    c.step(c.headers(1, OK, end_stream=False), data(1, bytes(16384)), data(1, bytes(16384)),
           data(1, bytes(16384)), note="49,152 of the 65,535 octets of the connection window",
           expect=credit(0, 32768))
    c.step(c.headers(3, OK, end_stream=False), data(3, bytes(16384)), data(3, bytes(16384)),
           data(3, bytes(16383), end_stream=True), note="49,151 octets: within the window only with that credit")
    c.expect(all_of(resp(3), resp_data(3, 49151, end_stream=True), no_error()))


def client_section_5_1_1():
    cases = client_section("5.1.1-stream-ids.json", "5.1.1", "Stream identifiers, client role (RFC 9113 §5.1.1)")
    new = client_counter("5.1.1", cases)
    unexpected = ("Streams initiated by a client MUST use odd-numbered stream identifiers; those initiated by the "
                  "server MUST use even-numbered stream identifiers. ... An endpoint that receives an unexpected "
                  "stream identifier MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")

    c = new("requests use odd, increasing stream identifiers",
            "Streams initiated by a client MUST use odd-numbered stream identifiers ... The identifier of a newly "
            "established stream MUST be numerically greater than all streams that the initiating endpoint has "
            "opened or reserved.", requests=gets(3))
    c.handshake()
    c.step(c.headers(1), c.headers(3), c.headers(5), requests=gets(1))
    c.expect(all_of({"order": [sent(1), sent(3), sent(5), sent(7)]}, not_(frame_of("HEADERS", 2))))

    c = new("a stream identifier is not reused after its stream closed",
            "Stream identifiers cannot be reused.", requests=[req()])
    c.handshake()
    c.step(c.headers(1), requests=[req()])
    c.expect(all_of(resp(1), sent(3), no_error()))

    c = new("a response on a client stream above every request sent", unexpected, requests=[req()])
    c.handshake()
    c.step(c.headers(3))
    c.expect(all_of(conn_error("PROTOCOL_ERROR"), not_(any_resp(3))))

    c = new("HEADERS on an even stream the server never reserved", unexpected, requests=[req()])
    c.handshake()
    c.step(c.headers(4, OK, end_stream=False))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("DATA on an even stream the server never reserved", unexpected, requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK, end_stream=False), data(2, b"stray"))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("queued requests leave in increasing stream order",
            "The identifier of a newly established stream MUST be numerically greater than all streams that the "
            "initiating endpoint has opened or reserved.")
    c.handshake([(MAX_CONCURRENT_STREAMS, 1)])
    c.step(requests=gets(3), note="three requests, one slot")
    c.step(c.headers(1))
    c.step(c.headers(3))
    c.step(c.headers(5))
    c.expect(all_of({"order": [sent(1), sent(3), sent(5)]}, resp(5), no_error()))


def client_section_5_1_2():
    cases = client_section("5.1.2-concurrency.json", "5.1.2", "Stream concurrency, client role (RFC 9113 §5.1.2)")
    new = client_counter("5.1.2", cases)
    limit = ("Endpoints MUST NOT exceed the limit set by their peer. [Streams that are in the \"open\" state or in "
             "either of the \"half-closed\" states count toward the maximum number of streams that an endpoint is "
             "permitted to open.]")

    c = new("10 requests under a limit of 3: 3 HEADERS leave", limit)
    c.handshake([(MAX_CONCURRENT_STREAMS, 3)])
    c.step(requests=gets(10))
    c.expect(all_of(sent(1), sent(3), sent(5), not_(sent(7)), queued(7), max_open(3), no_error()))

    c = new("a response that ends a stream lets the next request start", limit)
    c.handshake([(MAX_CONCURRENT_STREAMS, 3)])
    c.step(requests=gets(10), expect=all_of(not_(sent(7)), queued(7)))
    c.step(c.headers(1))
    c.expect(all_of(resp(1), started(7), sent(7), not_(sent(9)), queued(6), max_open(3)))

    c = new("10 requests under a limit of 3 all complete, never more than 3 open", limit)
    c.handshake([(MAX_CONCURRENT_STREAMS, 3)])
    c.step(requests=gets(10))
    for stream in range(1, 20, 2):
        c.step(c.headers(stream, OK_TEXT, end_stream=False), data(stream, b"done", end_stream=True))
    c.expect(all_of(max_open(3), queued(0), resp(19), resp_data(19, 4, end_stream=True), started(19), no_error()))

    c = new("a limit lowered mid-connection: open streams complete, new ones wait",
            limit + " An endpoint that wishes to reduce the value of SETTINGS_MAX_CONCURRENT_STREAMS to a value "
            "that is below the current number of open streams can either close streams that exceed the new value "
            "or allow streams to complete.")
    c.handshake([(MAX_CONCURRENT_STREAMS, 5)])
    c.step(requests=gets(5), expect=all_of(sent(9), queued(0)))
    c.step(settings([(MAX_CONCURRENT_STREAMS, 2)]), requests=gets(3), note="limit 2 with 5 open; 3 more requests",
           expect=all_of(settings_acks(1), not_(sent(11)), queued(3)))
    c.step(c.headers(1), c.headers(3), c.headers(5), note="3 streams end: 2 remain open, at the limit",
           expect=all_of(not_(sent(11)), queued(3)))
    c.step(c.headers(7), note="1 open: one request starts", expect=all_of(sent(11), not_(sent(13)), queued(2)))
    c.step(c.headers(9), c.headers(11))
    c.expect(all_of(sent(13), sent(15), queued(0), no_error()))

    c = new("SETTINGS_MAX_CONCURRENT_STREAMS of 0: requests wait until it is raised",
            "A zero value does prevent the creation of new streams; however, this can also happen for any limit "
            "that is exhausted with active streams. [§6.5.2] " + limit)
    c.handshake([(MAX_CONCURRENT_STREAMS, 0)])
    c.step(requests=gets(2), expect=all_of(not_(frame_of("HEADERS")), queued(2)))
    c.step(settings([(MAX_CONCURRENT_STREAMS, 1)]))
    c.expect(all_of(started(1), sent(1), not_(sent(3)), queued(1)))

    c = new("a raised limit starts queued requests at once", limit)
    c.handshake([(MAX_CONCURRENT_STREAMS, 1)])
    c.step(requests=gets(3), expect=all_of(sent(1), not_(sent(3))))
    c.step(settings([(MAX_CONCURRENT_STREAMS, 3)]))
    c.expect(all_of(sent(3), sent(5), queued(0), max_open(3)))

    c = new("a stream the client resets frees its slot",
            "A stream also enters the \"closed\" state after an endpoint either sends or receives a RST_STREAM "
            "frame. " + limit)
    c.handshake([(MAX_CONCURRENT_STREAMS, 1)])
    c.step(requests=gets(2), expect=not_(sent(3)))
    c.step(reset=[(1, "CANCEL")])
    c.expect(all_of({"order": [rst(1, "CANCEL"), sent(3)]}, max_open(1)))

    c = new("a stream the server resets frees its slot",
            "A stream also enters the \"closed\" state after an endpoint either sends or receives a RST_STREAM "
            "frame. " + limit)
    c.handshake([(MAX_CONCURRENT_STREAMS, 1)])
    c.step(requests=gets(2), expect=not_(sent(3)))
    c.step(rst_stream(1, "INTERNAL_ERROR"))
    c.expect(all_of(reset_event(1, "INTERNAL_ERROR", by_peer=True), sent(3), max_open(1), not_(frame_of("RST_STREAM"))))

    c = new("half-closed (local) streams count until the response ends", limit)
    c.handshake([(MAX_CONCURRENT_STREAMS, 1)])
    c.step(requests=gets(2))
    c.step(c.headers(1, OK, end_stream=False), expect=all_of(resp(1), not_(sent(3))))
    c.step(data(1, b"end", end_stream=True))
    c.expect(all_of(sent(3), max_open(1)))

    c = new("requests sent before the server's SETTINGS and refused are reported",
            "Initially, there is no limit to this value. [§6.5.2] ... An endpoint that receives a HEADERS frame "
            "that causes its advertised concurrent stream limit to be exceeded MUST treat this as a stream error "
            "(Section 5.4.2) of type PROTOCOL_ERROR or REFUSED_STREAM. The choice of error code determines "
            "whether the endpoint wishes to enable automatic retry", requests=gets(3))
    c.handshake([(MAX_CONCURRENT_STREAMS, 1)], setup=False)
    c.step(rst_stream(3, "REFUSED_STREAM"), rst_stream(5, "REFUSED_STREAM"), c.headers(1))
    c.expect(all_of(sent(5), reset_event(3, "REFUSED_STREAM", by_peer=True),
                    reset_event(5, "REFUSED_STREAM", by_peer=True), resp(1), no_error()))

    c = new("a limit of 100 lets 100 requests go at once",
            "It is recommended that this value be no smaller than 100, so as to not unnecessarily limit "
            "parallelism. " + limit)
    c.handshake([(MAX_CONCURRENT_STREAMS, 100)])
    c.step(requests=gets(101))
    c.expect(all_of(sent(199), not_(sent(201)), queued(1), max_open(100)))


# ---------------------------------------------------------------------------------------
# §5.3 priority signals, RFC 9218 §7.1

def client_section_5_3():
    cases = client_section("5.3-priority.json", "5.3", "Priority signals, client role (RFC 9113 §5.3, §6.3; RFC 9218 §7.1)")
    new = client_counter("5.3", cases)

    c = new("PRIORITY from the server on an open stream is ignored",
            "Note that PRIORITY can be sent and received in any stream state. [§5.3.2: priority signals ... can "
            "be ignored]", requests=[req()])
    c.handshake()
    c.step(priority(1, depends_on=0, weight=200), c.headers(1))
    c.expect(all_of(resp(1), no_error()))

    c = new("PRIORITY with a length of 4 octets",
            "A PRIORITY frame with a length other than 5 octets MUST be treated as a stream error (Section 5.4.2) "
            "of type FRAME_SIZE_ERROR. [§6.3]", requests=[req()])
    c.handshake()
    c.step(raw(PRIORITY, 0, 1, b"\x00\x00\x00\x00"))
    c.expect(client_stream_error(1, "FRAME_SIZE_ERROR"))

    c = new("PRIORITY on stream 0",
            "If a PRIORITY frame is received with a stream identifier of 0x00, the recipient MUST respond with a "
            "connection error (Section 5.4.1) of type PROTOCOL_ERROR. [§6.3]")
    c.handshake()
    c.step(raw(PRIORITY, 0, 0, struct.pack(">IB", 1, 15)))
    c.expect(conn_error("PROTOCOL_ERROR"))

    new = client_counter("rfc9218-7.1", cases)
    c = new("PRIORITY_UPDATE received by a client",
            "RFC 9218 §7.1: PRIORITY_UPDATE frames are sent by clients on the control stream ... If a client "
            "receives a PRIORITY_UPDATE frame, it MUST respond with a connection error of type PROTOCOL_ERROR.",
            requests=[req()])
    c.handshake()
    c.step(extension(0x10, 0, 0, struct.pack(">I", 1) + b"u=1, i"))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("PRIORITY_UPDATE about an idle stream received by a client",
            "RFC 9218 §7.1: If a client receives a PRIORITY_UPDATE frame, it MUST respond with a connection error "
            "of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(extension(0x10, 0, 0, struct.pack(">I", 7) + b"u=5"))
    c.expect(conn_error("PROTOCOL_ERROR"))


# ---------------------------------------------------------------------------------------
# §6 Frame definitions

def client_section_6_1():
    cases = client_section("6.1-data.json", "6.1", "DATA, client role (RFC 9113 §6.1)")
    new = client_counter("6.1", cases)

    c = new("DATA on stream 0",
            "DATA frames MUST be associated with a stream. If a DATA frame is received whose Stream Identifier "
            "field is 0x00, the recipient MUST respond with a connection error (Section 5.4.1) of type "
            "PROTOCOL_ERROR.", requests=[req()])
    c.handshake()
    c.step(raw(DATA, 0, 0, b"zero"))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("padded response DATA: the padding is not content",
            "Padding octets MUST be set to zero when sending. [the Pad Length and padding are not part of the "
            "content]", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK_TEXT, end_stream=False), data(1, b"padded body", end_stream=True, pad=20))
    c.expect(all_of(resp(1), resp_data(1, 11, end_stream=True), no_error()))

    c = new("DATA padding as long as the payload",
            "If the length of the padding is the length of the frame payload or greater, the recipient MUST treat "
            "this as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK, end_stream=False), raw(DATA, PADDED, 1, bytes([4]) + b"abc"))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("DATA before the response HEADERS",
            "A malformed request or response is one that is an otherwise valid sequence of HTTP/2 frames but is "
            "invalid due to the presence of extraneous frames ... [§8.1: a response is HEADERS, then DATA] "
            "Malformed requests or responses that are detected MUST be treated as a stream error (Section 5.4.2) "
            "of type PROTOCOL_ERROR. ... Clients MUST NOT accept a malformed response.", requests=[req()])
    c.handshake()
    c.step(data(1, b"no head yet"), c.headers(1))
    c.expect(all_of(client_stream_error(1, "PROTOCOL_ERROR"), not_(resp_data(1)), not_(any_resp(1))))

    c = new("DATA between an interim response and the final response",
            "An HTTP message (request or response) consists of: 1. one HEADERS frame ... containing the header "
            "section, 2. zero or more DATA frames containing the message content [§8.1: interim responses precede "
            "the HEADERS frame containing a final response; content comes after it] ... A malformed request or "
            "response is one that is an otherwise valid sequence of HTTP/2 frames but is invalid due to the "
            "presence of extraneous frames ... Clients MUST NOT accept a malformed response.", requests=[req()])
    c.handshake()
    c.step(c.headers(1, [(":status", "103")], end_stream=False), data(1, b"too early"), c.headers(1))
    c.expect(all_of(client_stream_error(1, "PROTOCOL_ERROR"), not_(resp_data(1)), not_(resp(1, "200"))))


def client_section_6_2():
    cases = client_section("6.2-headers.json", "6.2", "HEADERS, client role (RFC 9113 §6.2)")
    new = client_counter("6.2", cases)

    c = new("HEADERS on stream 0",
            "If a HEADERS frame is received whose Stream Identifier field is 0x00, the recipient MUST respond with "
            "a connection error (Section 5.4.1) of type PROTOCOL_ERROR.", requests=[req()])
    c.handshake()
    c.step(raw(HEADERS, END_STREAM | END_HEADERS, 0, STATIC_200))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("a padded response HEADERS",
            "The HEADERS frame can include padding. Padding fields and flags are identical to those defined for "
            "DATA frames (Section 6.1).", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK_TEXT, pad=17))
    c.expect(all_of(resp(1, fields=[("content-type", "text/plain")]), no_error()))

    c = new("a response HEADERS with the PRIORITY flag",
            "PRIORITY (0x20): When set, the PRIORITY flag signals that the Exclusive, Stream Dependency, and "
            "Weight fields are present. [their values may be ignored, §5.3.2]", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK_TEXT, prio=(0, 100, False)))
    c.expect(all_of(resp(1), no_error()))

    c = new("HEADERS padding as long as the field block",
            "Padding that exceeds the size remaining for the field block fragment MUST be treated as a "
            "PROTOCOL_ERROR.", requests=[req()])
    c.handshake()
    c.step(raw(HEADERS, END_STREAM | END_HEADERS | PADDED, 1, bytes([2]) + STATIC_200))
    c.expect(conn_error("PROTOCOL_ERROR"))


def client_section_6_4():
    cases = client_section("6.4-rst-stream.json", "6.4", "RST_STREAM, client role (RFC 9113 §6.4)")
    new = client_counter("6.4", cases)

    c = new("RST_STREAM from the server is reported, not answered",
            "The RST_STREAM frame fully terminates the referenced stream and causes it to enter the \"closed\" "
            "state. ... To avoid looping, an endpoint MUST NOT send a RST_STREAM in response to a RST_STREAM "
            "frame. [§5.4.2]", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK, end_stream=False), rst_stream(1, "CANCEL"))
    c.expect(all_of(resp(1), reset_event(1, "CANCEL", by_peer=True), not_(frame_of("RST_STREAM")), no_error()))

    c = new("no request DATA after the server's RST_STREAM",
            "After receiving a RST_STREAM on a stream, the receiver MUST NOT send additional frames for that "
            "stream, except for PRIORITY.", requests=[req(C_POST, body=100000)])
    c.handshake()
    c.step(rst_stream(1, "REFUSED_STREAM"), window_update(0, 100000), expect=not_(frame_of("DATA")))
    c.step(data=[(1, 100, True)], note="the application still writes", expect=not_(frame_of("DATA")))
    c.expect(all_of(reset_event(1, "REFUSED_STREAM", by_peer=True), not_(frame_of("RST_STREAM"))))

    c = new("RST_STREAM on stream 0",
            "If a RST_STREAM frame is received with a stream identifier of 0x00, the recipient MUST treat this as "
            "a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")
    c.handshake()
    c.step(raw(RST_STREAM, 0, 0, struct.pack(">I", 8)))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("RST_STREAM with a length of 3 octets",
            "A RST_STREAM frame with a length other than 4 octets MUST be treated as a connection error "
            "(Section 5.4.1) of type FRAME_SIZE_ERROR.", requests=[req()])
    c.handshake()
    c.step(raw(RST_STREAM, 0, 1, b"\x00\x00\x08"))
    c.expect(conn_error("FRAME_SIZE_ERROR"))

    c = new("RST_STREAM with an unknown error code",
            "Unknown or unsupported error codes MUST NOT trigger any special behavior. These MAY be treated by an "
            "implementation as being equivalent to INTERNAL_ERROR. [§7]", requests=[req()])
    c.handshake()
    c.step(rst_stream(1, 0x77))
    c.expect(all_of(reset_event(1, by_peer=True), not_(frame_of("RST_STREAM")), no_error()))


def client_section_6_5():
    cases = client_section("6.5-settings.json", "6.5", "SETTINGS, client role (RFC 9113 §6.5)")
    new = client_counter("6.5", cases)

    c = new("ENABLE_PUSH = 1 from the server",
            "A server MUST NOT explicitly set this value to 1. ... A client MUST treat receipt of a SETTINGS frame "
            "with SETTINGS_ENABLE_PUSH set to 1 as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.",
            requests=[req()])
    c.step(settings([(ENABLE_PUSH, 1)]))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("ENABLE_PUSH = 1 in a later SETTINGS",
            "A client MUST treat receipt of a SETTINGS frame with SETTINGS_ENABLE_PUSH set to 1 as a connection "
            "error (Section 5.4.1) of type PROTOCOL_ERROR.", requests=[req()])
    c.handshake()
    c.step(settings([(ENABLE_PUSH, 1)]))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("ENABLE_PUSH = 0 from the server is fine",
            "A server MAY choose to omit this setting when it sends a SETTINGS frame, but if a server does include "
            "a value, it MUST be 0.", requests=[req()])
    c.step(settings([(ENABLE_PUSH, 0)]), settings_ack(), c.headers(1))
    c.expect(all_of(settings_acks(1), resp(1), no_error()))

    c = new("ENABLE_PUSH = 2",
            "Any value other than 0 or 1 MUST be treated as a connection error (Section 5.4.1) of type "
            "PROTOCOL_ERROR.")
    c.step(settings([(ENABLE_PUSH, 2)]))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("the client's SETTINGS disable push",
            "A client that has both set this parameter to 0 and had it acknowledged MUST treat the receipt of a "
            "PUSH_PROMISE frame as a connection error [our client refuses pushes, so its preface SETTINGS carries "
            "SETTINGS_ENABLE_PUSH = 0]")
    c.handshake(setup=False)
    c.expect(all_of({"sent_setting": {"name": "ENABLE_PUSH", "value": 0}}, settings_acks(1)))

    c = new("a SETTINGS frame mid-connection is acknowledged once",
            "Upon receiving a SETTINGS frame without the ACK flag set, the receiver MUST immediately apply the "
            "updated settings and MUST immediately emit a SETTINGS frame with the ACK flag set. [§6.5.3]",
            requests=[req()])
    c.handshake()
    c.step(settings([(MAX_CONCURRENT_STREAMS, 50), (INITIAL_WINDOW_SIZE, 100000)]))
    c.expect(all_of(settings_acks(1), no_error()))

    c = new("two SETTINGS frames, two acknowledgements",
            "The values in the SETTINGS frame MUST be processed in the order they appear ... the receiver MUST "
            "immediately emit a SETTINGS frame with the ACK flag set. [§6.5.3]")
    c.handshake()
    c.step(settings([(HEADER_TABLE_SIZE, 1024)]), settings([(HEADER_TABLE_SIZE, 2048)]))
    c.expect(all_of(settings_acks(2), no_error()))

    c = new("an unknown setting is ignored",
            "An endpoint that receives a SETTINGS frame with any unknown or unsupported identifier MUST ignore "
            "that setting.", requests=[req()])
    c.step(settings([(0x42, 7), (MAX_CONCURRENT_STREAMS, 10)]), settings_ack(), c.headers(1))
    c.expect(all_of(settings_acks(1), resp(1), no_error()))

    c = new("SETTINGS ACK with a payload",
            "Receipt of a SETTINGS frame with the ACK flag set and a length field value other than 0 MUST be "
            "treated as a connection error (Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(SETTINGS, ACK, 0, struct.pack(">HI", MAX_CONCURRENT_STREAMS, 10)))
    c.expect(conn_error("FRAME_SIZE_ERROR"))

    c = new("SETTINGS on stream 1",
            "If an endpoint receives a SETTINGS frame whose Stream Identifier field is anything other than 0x00, "
            "the endpoint MUST respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.",
            requests=[req()])
    c.handshake()
    c.step(raw(SETTINGS, 0, 1, b""))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("SETTINGS with a length of 7",
            "A SETTINGS frame with a length other than a multiple of 6 octets MUST be treated as a connection "
            "error (Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.step(raw(SETTINGS, 0, 0, struct.pack(">HI", MAX_CONCURRENT_STREAMS, 10) + b"\x00"))
    c.expect(conn_error("FRAME_SIZE_ERROR"))

    c = new("SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1",
            "Values above the maximum flow-control window size of 2^31-1 MUST be treated as a connection error "
            "(Section 5.4.1) of type FLOW_CONTROL_ERROR.")
    c.handshake()
    c.step(settings([(INITIAL_WINDOW_SIZE, 2**31)]))
    c.expect(conn_error("FLOW_CONTROL_ERROR"))

    for value in (16383, 2**24):
        c = new(f"SETTINGS_MAX_FRAME_SIZE of {value}",
                "The initial value is 2^14 (16,384) octets. The value advertised by an endpoint MUST be between "
                "this initial value and the maximum allowed frame size (2^24-1 or 16,777,215 octets), inclusive. "
                "Values outside this range MUST be treated as a connection error (Section 5.4.1) of type "
                "PROTOCOL_ERROR.")
        c.step(settings([(MAX_FRAME_SIZE, value)]))
        c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("a larger SETTINGS_MAX_FRAME_SIZE is honoured as an upper bound",
            "SETTINGS_MAX_FRAME_SIZE (0x05): This setting indicates the size of the largest frame payload that the "
            "sender is willing to receive")
    c.step(settings([(MAX_FRAME_SIZE, 20000)]), settings_ack(), requests=[req(C_POST, body=30000)])
    c.step(c.headers(1))
    c.expect(all_of({"max_frame_length": {"length": 20000}}, data_total(1, 30000), resp(1), no_error()))


def client_section_6_6():
    cases = client_section("6.6-push-promise.json", "6.6",
                           "PUSH_PROMISE to a client that disabled push (RFC 9113 §6.6, §8.4)")
    new = client_counter("6.6", cases)
    rule = ("PUSH_PROMISE MUST NOT be sent if the SETTINGS_ENABLE_PUSH setting of the peer endpoint is set to 0. "
            "An endpoint that has set this setting and has received acknowledgment MUST treat the receipt of a "
            "PUSH_PROMISE frame as a connection error (Section 5.4.1) of type PROTOCOL_ERROR.")

    c = new("PUSH_PROMISE on an open request stream", rule, requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK, end_stream=False),
           push_promise(1, 2, c.block([(":method", "GET"), (":scheme", "https"), (":authority", "example.com"),
                                       (":path", "/style.css")])))
    c.expect(all_of(conn_error("PROTOCOL_ERROR"), not_(any_resp(2))))

    c = new("PUSH_PROMISE before the response HEADERS", rule, requests=[req()])
    c.handshake()
    c.step(push_promise(1, 2, c.block([(":method", "GET"), (":scheme", "https"), (":authority", "example.com"),
                                       (":path", "/app.js")])))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("PUSH_PROMISE on stream 0",
            "If the Stream Identifier field specifies the value 0x00, a recipient MUST respond with a connection "
            "error (Section 5.4.1) of type PROTOCOL_ERROR. " + rule)
    c.handshake()
    c.step(raw(PUSH_PROMISE, END_HEADERS, 0, struct.pack(">I", 2) + indexed(2) + indexed(7) + indexed(4)))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("PUSH_PROMISE promising an odd stream",
            "A receiver MUST treat the receipt of a PUSH_PROMISE that promises an illegal stream identifier "
            "(Section 5.1.1) as a connection error (Section 5.4.1) of type PROTOCOL_ERROR. " + rule,
            requests=[req()])
    c.handshake()
    c.step(push_promise(1, 3, indexed(2) + indexed(7) + indexed(4) + literal("without", "example.com", index=1)))
    c.expect(conn_error("PROTOCOL_ERROR"))


def client_section_6_7():
    cases = client_section("6.7-ping.json", "6.7", "PING, client role (RFC 9113 §6.7)")
    new = client_counter("6.7", cases)

    c = new("PING is answered with the same payload",
            "Receivers of a PING frame that does not include an ACK flag MUST send a PING frame with the ACK flag "
            "set in response, with an identical frame payload.", requests=[req()])
    c.handshake()
    c.expect(c.liveness())

    c = new("PING between a response's frames",
            "Receivers of a PING frame that does not include an ACK flag MUST send a PING frame with the ACK flag "
            "set in response, with an identical frame payload.", requests=[req()])
    c.handshake()
    payload = rand_bytes(8)
    c.step(c.headers(1, OK, end_stream=False), ping(payload), data(1, b"x", end_stream=True))
    c.expect(all_of(ping_ack(payload), resp(1), resp_data(1, 1, end_stream=True)))

    c = new("PING ACK is not answered",
            "An endpoint MUST NOT respond to PING frames containing this flag.")
    c.handshake()
    c.step(ping(rand_bytes(8), ack=True))
    c.expect(no_frames())

    c = new("PING on stream 1",
            "If a PING frame is received with a Stream Identifier field value other than 0x00, the recipient MUST "
            "respond with a connection error (Section 5.4.1) of type PROTOCOL_ERROR.", requests=[req()])
    c.handshake()
    c.step(raw(PING, 0, 1, rand_bytes(8)))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("PING with a length of 7",
            "Receipt of a PING frame with a length field value other than 8 MUST be treated as a connection error "
            "(Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(PING, 0, 0, rand_bytes(7)))
    c.expect(conn_error("FRAME_SIZE_ERROR"))


def client_section_6_8():
    cases = client_section("6.8-goaway.json", "6.8", "GOAWAY from the server (RFC 9113 §6.8)")
    new = client_counter("6.8", cases)
    above = ("If the receiver of the GOAWAY has sent data on streams with a higher stream identifier than what is "
             "indicated in the GOAWAY frame, those streams are not or will not be processed. The receiver of the "
             "GOAWAY frame can treat the streams as though they had never been created at all, thereby allowing "
             "those streams to be retried later on a new connection.")
    no_new = "Receivers of a GOAWAY frame MUST NOT open additional streams on the connection"

    c = new("requests above the last stream id are reported refused", above, requests=gets(3))
    c.handshake()
    c.step(goaway(1, "NO_ERROR"))
    c.expect(all_of(goaway_event(1, "NO_ERROR"), reset_event(3, "REFUSED_STREAM"), reset_event(5, "REFUSED_STREAM"),
                    not_(reset_event(1)), no_error()))

    c = new("streams up to the last stream id still complete",
            "Activity on streams numbered lower than or equal to the last stream identifier might still complete "
            "successfully.", requests=gets(3))
    c.handshake()
    c.step(goaway(3, "NO_ERROR"), expect=all_of(reset_event(5, "REFUSED_STREAM"), not_(reset_event(3))))
    c.step(c.headers(1, OK_TEXT, end_stream=False), data(1, b"one", end_stream=True), c.headers(3))
    c.expect(all_of(resp(1), resp_data(1, 3, end_stream=True), resp(3), no_error()))

    c = new("no new request after GOAWAY", no_new)
    c.handshake()
    c.step(goaway(0, "NO_ERROR"), expect=goaway_event(0))
    c.step(requests=gets(1), note="the application tries another request")
    c.expect(all_of(rejected(1), not_(frame_of("HEADERS"))))

    c = new("no new request after a graceful GOAWAY (last stream 2^31-1)",
            no_new + " [A server that is attempting to gracefully shut down a connection SHOULD send an initial "
            "GOAWAY frame with the last stream identifier set to 2^31-1 and a NO_ERROR code.]", requests=[req()])
    c.handshake()
    c.step(goaway(MAX_WINDOW, "NO_ERROR"), requests=gets(1))
    c.step(c.headers(1))
    c.expect(all_of(rejected(1), not_(sent(3)), not_(reset_event(1)), resp(1)))

    c = new("queued requests fail on GOAWAY",
            above + " " + no_new + " [a request still waiting for a stream slot was never sent: it is reported "
            "refused, retryable]")
    c.handshake([(MAX_CONCURRENT_STREAMS, 1)])
    c.step(requests=gets(3), expect=all_of(sent(1), queued(2)))
    c.step(goaway(1, "NO_ERROR"), expect=all_of(reset_event(3, "REFUSED_STREAM"), reset_event(5, "REFUSED_STREAM"),
                                                  queued(0)))
    c.step(c.headers(1))
    c.expect(all_of(resp(1), not_(sent(3)), not_(sent(5)), queued(0)))

    c = new("GOAWAY with last stream 0 and an error code",
            "The last stream identifier can be set to 0 if no streams were processed. ... The GOAWAY frame also "
            "contains a 32-bit error code (Section 7) that contains the reason for closing the connection.",
            requests=gets(2))
    c.handshake()
    c.step(goaway(0, "ENHANCE_YOUR_CALM", b"slow down"))
    c.expect(all_of(goaway_event(0, "ENHANCE_YOUR_CALM"), reset_event(1, "REFUSED_STREAM"),
                    reset_event(3, "REFUSED_STREAM"), no_error()))

    c = new("a second GOAWAY with a lower last stream id",
            "The last stream identifier from the last GOAWAY frame received indicates which streams could have "
            "been acted upon. " + above, requests=gets(3))
    c.handshake()
    c.step(goaway(MAX_WINDOW, "NO_ERROR"), expect=not_(reset_event()))
    c.step(goaway(1, "NO_ERROR"))
    c.expect(all_of(reset_event(3, "REFUSED_STREAM"), reset_event(5, "REFUSED_STREAM"), not_(reset_event(1))))

    c = new("GOAWAY on stream 1",
            "An endpoint MUST treat a GOAWAY frame with a stream identifier other than 0x00 as a connection error "
            "(Section 5.4.1) of type PROTOCOL_ERROR.", requests=[req()])
    c.handshake()
    c.step(raw(GOAWAY, 0, 1, struct.pack(">II", 1, 0)))
    c.expect(conn_error("PROTOCOL_ERROR"))


def client_section_6_9():
    cases = client_section("6.9-window-update.json", "6.9",
                           "Flow control of request content, WINDOW_UPDATE, client role (RFC 9113 §5.2, §6.9, §6.9.1)")
    new = client_counter("6.9.1", cases)
    respect = ("The sender MUST NOT send a flow-controlled frame with a length that exceeds the space available "
               "in either of the flow-control windows advertised by the receiver.")

    c = new("a request body stops at the initial windows and resumes on WINDOW_UPDATE",
            respect + " [§6.9.2: both windows start at 65,535 octets]", requests=[req(C_POST, body=100000)])
    c.handshake()
    c.step(window_update(0, 34465), note="connection window only", expect=not_(frame_of("DATA")))
    c.step(window_update(1, 34465), expect=all_of(data_total(1, 34465), data_end(1)))
    c.expect(all_of(data_total(1, 100000), {"max_frame_length": {"length": 16384}}, no_error()))

    c = new("the case-level requests sent 65,535 octets before any WINDOW_UPDATE",
            respect, requests=[req(C_POST, body=100000)])
    c.handshake()
    c.step(ping(rand_bytes(8)))
    c.expect(all_of(data_total(1, 65535), not_(data_end(1))))

    c = new("the stream window binds while the connection window is open", respect)
    c.handshake([(INITIAL_WINDOW_SIZE, 1000)])
    c.step(window_update(0, 1000000), requests=[req(C_POST, body=5000)], expect=data_total(1, 1000))
    c.step(window_update(1, 4000), expect=data_total(1, 4000))
    c.expect(all_of(data_total(1, 5000), data_end(1), no_error()))

    c = new("the connection window is shared between requests", respect)
    c.handshake()
    c.step(requests=[req(C_POST, body=40000), req(C_POST, body=40000)], expect=data_all(65535))
    c.step(window_update(0, 14465), expect=data_all(14465))
    c.expect(all_of(data_all(80000), data_total(1, 40000), data_total(3, 40000), data_end(1), data_end(3)))

    c = new("the server's WINDOW_UPDATEs add up",
            "The WINDOW_UPDATE frame can be specific to a stream or to the entire connection. ... the sender "
            "[adds] the amount specified in the frame to its window", requests=[req(C_POST, body=65535 + 300)])
    c.handshake()
    c.step(window_update(0, 100), window_update(1, 100), window_update(0, 100), window_update(1, 100),
           window_update(0, 100), window_update(1, 100))
    c.expect(all_of(data_total(1, 65535 + 300), data_end(1)))

    c = new("an empty DATA frame with END_STREAM needs no window",
            "Frames with zero length with the END_STREAM flag set (that is, an empty DATA frame) MAY be sent if "
            "there is no available space in either flow-control window.", requests=[req(C_POST, end_stream=False)])
    c.handshake([(INITIAL_WINDOW_SIZE, 0)])
    c.step(data=[(1, 0, True)])
    c.expect(any_of(data_frame(1, 0, end_stream=True), no_frames()))

    overflow = ("A sender MUST NOT allow a flow-control window to exceed 2^31-1 octets. If a sender receives a "
                "WINDOW_UPDATE that causes a flow-control window to exceed this maximum, it MUST terminate either "
                "the stream or the connection, as appropriate. For streams, the sender sends a RST_STREAM with an "
                "error code of FLOW_CONTROL_ERROR; for the connection, a GOAWAY frame with an error code of "
                "FLOW_CONTROL_ERROR is sent.")
    c = new("stream window above 2^31-1", overflow, requests=[req(C_POST, end_stream=False)])
    c.handshake()
    c.step(window_update(1, MAX_WINDOW - 65535), expect=not_(frame_of("RST_STREAM")))
    c.step(window_update(1, 1))
    c.expect(client_stream_error(1, "FLOW_CONTROL_ERROR"))

    c = new("connection window above 2^31-1", overflow)
    c.handshake()
    c.step(window_update(0, MAX_WINDOW), window_update(0, MAX_WINDOW))
    c.expect(conn_error("FLOW_CONTROL_ERROR"))

    c = new("the client returns credit for response content",
            "half-closed (local): ... Providing flow-control credit using WINDOW_UPDATE frames is necessary to "
            "continue receiving flow-controlled frames. [§5.1]",
            requests=[req()], client_settings={"initial_window_size": 16384}, client_config={"connection_window": 65535})
    c.handshake()
    c.step(c.headers(1, OK, end_stream=False), data(1, bytes(16384)), expect=credit(1, 16384))
    c.step(data(1, bytes(16384), end_stream=True))
    c.expect(all_of(resp_data(1, 32768, end_stream=True), no_error()))

    new = client_counter("6.9", cases)
    zero = ("A receiver MUST treat the receipt of a WINDOW_UPDATE frame with a flow-control window increment of "
            "0 as a stream error (Section 5.4.2) of type PROTOCOL_ERROR; errors on the connection flow-control "
            "window MUST be treated as a connection error (Section 5.4.1).")
    c = new("WINDOW_UPDATE with increment 0 on a request stream", zero, requests=[req(C_POST, end_stream=False)])
    c.handshake()
    c.step(window_update(1, 0))
    c.expect(client_stream_error(1, "PROTOCOL_ERROR"))

    c = new("WINDOW_UPDATE with increment 0 on the connection", zero)
    c.handshake()
    c.step(window_update(0, 0))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("WINDOW_UPDATE with a length of 3 octets",
            "A WINDOW_UPDATE frame with a length other than 4 octets MUST be treated as a connection error "
            "(Section 5.4.1) of type FRAME_SIZE_ERROR.")
    c.handshake()
    c.step(raw(WINDOW_UPDATE, 0, 0, b"\x00\x00\x01"))
    c.expect(conn_error("FRAME_SIZE_ERROR"))

    c = new("WINDOW_UPDATE on a stream whose request is complete",
            "half-closed (local): ... In this state, a receiver can ignore WINDOW_UPDATE frames, which might arrive "
            "for a short period after a frame with the END_STREAM flag set is sent.", requests=[req()])
    c.handshake()
    c.step(window_update(1, 5000), c.headers(1))
    c.expect(all_of(resp(1), no_error()))


def client_section_6_9_2():
    cases = client_section("6.9.2-initial-window.json", "6.9.2", "Initial window size, client role (RFC 9113 §6.9.2)")
    new = client_counter("6.9.2", cases)
    negative = ("A change to SETTINGS_INITIAL_WINDOW_SIZE can cause the available space in a flow-control window to "
                "become negative. A sender MUST track the negative flow-control window and MUST NOT send new flow-"
                "controlled frames until it receives WINDOW_UPDATE frames that cause the flow-control window to "
                "become positive.")

    c = new("a lowered initial window makes the stream window negative", negative)
    c.handshake()
    c.step(requests=[req(C_POST, body=70000)], expect=data_total(1, 65535))
    c.step(settings([(INITIAL_WINDOW_SIZE, 16384)]), window_update(0, 100000),
           note="window 0 - 49151 = -49151", expect=all_of(settings_acks(1), not_(frame_of("DATA"))))
    c.step(window_update(1, 49151), note="window 0", expect=not_(frame_of("DATA")))
    c.step(window_update(1, 4465), note="window 4465", expect=all_of(data_total(1, 4465), data_frame(1, 4465, end_stream=True)))
    c.expect(all_of(data_total(1, 70000), no_error()))

    c = new("a raised initial window resumes a blocked request",
            "When the value of SETTINGS_INITIAL_WINDOW_SIZE changes, a receiver MUST adjust the size of all stream "
            "flow-control windows that it maintains by the difference between the new value and the old value.")
    c.handshake([(INITIAL_WINDOW_SIZE, 1000)])
    c.step(requests=[req(C_POST, body=3000)], expect=data_total(1, 1000))
    c.step(settings([(INITIAL_WINDOW_SIZE, 3000)]), expect=all_of(settings_acks(1), data_total(1, 2000), data_end(1)))
    c.expect(all_of(data_total(1, 3000), no_error()))

    c = new("an initial window of 0: HEADERS leave, DATA waits",
            "The sender MUST NOT send a flow-controlled frame with a length that exceeds the space available in "
            "either of the flow-control windows advertised by the receiver. [§6.9.1; only DATA is flow-controlled]")
    c.handshake([(INITIAL_WINDOW_SIZE, 0)])
    c.step(requests=[req(C_POST, body=10)], expect=all_of(sent(1, end_stream=False), not_(frame_of("DATA"))))
    c.step(window_update(1, 10))
    c.expect(data_frame(1, 10, end_stream=True))

    c = new("SETTINGS cannot alter the connection window",
            "A SETTINGS frame cannot alter the connection flow-control window.")
    c.handshake([(INITIAL_WINDOW_SIZE, 200000)])
    c.step(requests=[req(C_POST, body=100000)])
    c.expect(data_total(1, 65535))

    c = new("an initial window change that overflows a stream window",
            "An endpoint MUST treat a change to SETTINGS_INITIAL_WINDOW_SIZE that causes any flow-control window to "
            "exceed the maximum size as a connection error (Section 5.4.1) of type FLOW_CONTROL_ERROR.",
            requests=[req(C_POST, end_stream=False)])
    c.handshake()
    c.step(window_update(1, MAX_WINDOW - 65535), expect=no_error())
    c.step(settings([(INITIAL_WINDOW_SIZE, 65536)]))
    c.expect(conn_error("FLOW_CONTROL_ERROR"))


def client_section_6_10():
    cases = client_section("6.10-continuation.json", "6.10", "CONTINUATION, client role (RFC 9113 §6.10, §4.3)")
    new = client_counter("6.10", cases)
    between = ("Other frames (from any stream) MUST NOT occur between the HEADERS frame and any CONTINUATION frames "
               "that might follow. [§8.1] ... A receiver MUST treat the receipt of any other type of frame or a "
               "frame on a different stream as a connection error (Section 5.4.1) of type PROTOCOL_ERROR. [§4.3]")

    c = new("a response head in HEADERS and two CONTINUATIONs",
            "Any number of CONTINUATION frames can be sent, as long as the preceding frame is on the same stream "
            "and is a HEADERS, PUSH_PROMISE, or CONTINUATION frame without the END_HEADERS flag set.",
            requests=[req()])
    c.handshake()
    block = c.block([(":status", "200"), ("content-type", "text/html"), ("x-long", "v" * 40)])
    c.step(headers_frame(1, block[:3], end_stream=True, end_headers=False),
           continuation(1, block[3:10], end_headers=False), continuation(1, block[10:]))
    c.expect(all_of(resp(1, end_stream=True, fields=[("x-long", "v" * 40)]), no_error()))

    c = new("trailers in HEADERS and CONTINUATION",
            "trailer fields comprise a sequence starting with a HEADERS frame, followed by zero or more "
            "CONTINUATION frames, where the HEADERS frame bears an END_STREAM flag. [§8.1]", requests=[req()])
    c.handshake()
    trailers = c.block([("x-checksum", "abc123"), ("x-status", "done")])
    c.step(c.headers(1, OK, end_stream=False), data(1, b"content"),
           headers_frame(1, trailers[:2], end_stream=True, end_headers=False), continuation(1, trailers[2:]))
    c.expect(all_of(resp(1), resp_data(1, 7), {"trailers": {"stream": 1, "fields": [["x-checksum", "abc123"]]}},
                    closed_event(1), no_error()))

    c = new("a PING between HEADERS and CONTINUATION", between, requests=[req()])
    c.handshake()
    block = c.block(OK_TEXT)
    c.step(headers_frame(1, block[:1], end_headers=False), ping(rand_bytes(8)), continuation(1, block[1:]))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("CONTINUATION on another stream", between, requests=gets(2))
    c.handshake()
    block = c.block(OK_TEXT)
    c.step(headers_frame(1, block[:1], end_headers=False), continuation(3, block[1:]))
    c.expect(conn_error("PROTOCOL_ERROR"))

    c = new("CONTINUATION without a preceding HEADERS",
            "A CONTINUATION frame MUST be preceded by a HEADERS, PUSH_PROMISE or CONTINUATION frame without the "
            "END_HEADERS flag set. A recipient that observes violation of this rule MUST respond with a connection "
            "error (Section 5.4.1) of type PROTOCOL_ERROR.", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK, end_stream=False), continuation(1, c.block([("x-more", "1")])))
    c.expect(conn_error("PROTOCOL_ERROR"))


# ---------------------------------------------------------------------------------------
# §8 HTTP semantics, from the client's side

def client_section_8():
    cases = client_section("8-http-semantics.json", "8", "HTTP semantics, responses (RFC 9113 §8.1, §8.2, §8.3.2)")
    new = client_counter("8.1", cases)

    c = new("an interim 103 response, then the final response",
            "For a response only, a server MAY send any number of interim responses before the HEADERS frame "
            "containing a final response.", requests=[req()])
    c.handshake()
    c.step(c.headers(1, [(":status", "103"), ("link", "</style.css>; rel=preload")], end_stream=False),
           c.headers(1, OK_TEXT, end_stream=False), data(1, b"ok", end_stream=True))
    c.expect(all_of(resp(1, "103", end_stream=False),
                    resp(1, "200", end_stream=False), resp_data(1, 2, end_stream=True), no_error()))

    c = new("two interim responses before the final one",
            "For a response only, a server MAY send any number of interim responses before the HEADERS frame "
            "containing a final response.", requests=[req(C_POST, body=10, )])
    c.handshake()
    c.step(c.headers(1, [(":status", "100")], end_stream=False), c.headers(1, [(":status", "103")], end_stream=False),
           c.headers(1, [(":status", "201")]))
    c.expect(all_of(resp(1, "100"), resp(1, "103"), resp(1, "201", end_stream=True), no_error()))

    c = new("an interim response with END_STREAM",
            "A HEADERS frame with the END_STREAM flag set that carries an informational status code is malformed "
            "(Section 8.1.1). ... Malformed requests or responses that are detected MUST be treated as a stream "
            "error (Section 5.4.2) of type PROTOCOL_ERROR. [§8.1.1]", requests=[req()])
    c.handshake()
    c.step(c.headers(1, [(":status", "103")], end_stream=True))
    c.expect(malformed_response(1))

    c = new("a second HEADERS without END_STREAM after the final response",
            "An endpoint that receives a HEADERS frame without the END_STREAM flag set after receiving the HEADERS "
            "frame that opens a request or after receiving a final (non-informational) status code MUST treat the "
            "corresponding request or response as malformed (Section 8.1.1).", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK_TEXT, end_stream=False), data(1, b"part"),
           c.headers(1, [("x-trailer", "value")], end_stream=False))
    c.expect(all_of(client_stream_error(1, "PROTOCOL_ERROR"), not_({"trailers": {"stream": 1}})))

    c = new("a second final response",
            "An endpoint that receives a HEADERS frame without the END_STREAM flag set ... after receiving a final "
            "(non-informational) status code MUST treat the corresponding request or response as malformed ... "
            "Trailers MUST NOT include pseudo-header fields (Section 8.3).", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK, end_stream=False), c.headers(1, [(":status", "204")]))
    c.expect(all_of(client_stream_error(1, "PROTOCOL_ERROR"), not_(resp(1, "204"))))

    c = new("response trailers",
            "Trailer fields are carried in a field block that also terminates the stream.", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK_TEXT, end_stream=False), data(1, b"content"),
           c.headers(1, [("x-checksum", "c0ffee")], end_stream=True))
    c.expect(all_of(resp(1), resp_data(1, 7, end_stream=False), {"trailers": {"stream": 1, "fields": [["x-checksum", "c0ffee"]]}},
                    closed_event(1), no_error()))

    c = new("trailers with a pseudo-header field",
            "Trailers MUST NOT include pseudo-header fields (Section 8.3). An endpoint that receives pseudo-header "
            "fields in trailers MUST treat the request or response as malformed (Section 8.1.1).", requests=[req()])
    c.handshake()
    c.step(c.headers(1, OK, end_stream=False), data(1, b"content"),
           c.headers(1, [(":status", "200"), ("x-checksum", "c0ffee")], end_stream=True))
    c.expect(all_of(client_stream_error(1, "PROTOCOL_ERROR"), not_({"trailers": {"stream": 1}})))

    c = new("a complete response then RST_STREAM NO_ERROR: the response is kept",
            "a server MAY request that the client abort transmission of a request without error by sending a "
            "RST_STREAM with an error code of NO_ERROR after sending a complete response ... Clients MUST NOT "
            "discard responses as a result of receiving such a RST_STREAM", requests=[req(C_POST, body=100000)])
    c.handshake()
    c.step(c.headers(1, OK_TEXT, end_stream=False), data(1, b"early answer", end_stream=True), rst_stream(1, "NO_ERROR"),
           window_update(0, 100000), window_update(1, 100000), expect=not_(frame_of("DATA")))
    c.expect(all_of(resp(1), resp_data(1, 12, end_stream=True), no_error()))

    c = new("a response with END_STREAM on its HEADERS",
            "An HTTP response is complete after the server sends -- or the client receives -- a frame with the "
            "END_STREAM flag set", requests=[req()])
    c.handshake()
    c.step(c.headers(1, [(":status", "204")]))
    c.expect(all_of(resp(1, "204", end_stream=True), closed_event(1), no_error()))

    new = client_counter("8.1.1", cases)
    mismatch = ("A request or response is also malformed if the value of a content-length header field does not "
                "equal the sum of the DATA frame payload lengths that form the content, unless the message is "
                "defined as having no content. ... Malformed requests or responses that are detected MUST be "
                "treated as a stream error (Section 5.4.2) of type PROTOCOL_ERROR.")

    c = new("content-length larger than the content", mismatch, requests=[req()])
    c.handshake()
    c.step(c.headers(1, [(":status", "200"), ("content-length", "10")], end_stream=False),
           data(1, b"12345", end_stream=True))
    c.expect(all_of(client_stream_error(1, "PROTOCOL_ERROR"), not_(resp_data(1, end_stream=True))))

    c = new("content-length smaller than the content", mismatch, requests=[req()])
    c.handshake()
    c.step(c.headers(1, [(":status", "200"), ("content-length", "3")], end_stream=False),
           data(1, b"12345", end_stream=True))
    c.expect(all_of(client_stream_error(1, "PROTOCOL_ERROR"), not_(resp_data(1, end_stream=True))))

    c = new("content-length with no DATA at all", mismatch, requests=[req()])
    c.handshake()
    c.step(c.headers(1, [(":status", "200"), ("content-length", "42")], end_stream=True))
    c.expect(client_stream_error(1, "PROTOCOL_ERROR"))

    c = new("content-length matching content over several DATA frames", mismatch, requests=[req()])
    c.handshake()
    c.step(c.headers(1, [(":status", "200"), ("content-length", "12")], end_stream=False),
           data(1, b"1234"), data(1, b"5678", pad=3), data(1, b"9abc", end_stream=True))
    c.expect(all_of(resp(1), resp_data(1, 12, end_stream=True), no_error()))

    c = new("a HEAD response with content-length and no content",
            "A response that is defined to have no content, as described in Section 6.4.1 of [HTTP], MAY have a "
            "non-zero content-length header field, even though no content is included in DATA frames.",
            requests=[req(C_HEAD)])
    c.handshake()
    c.step(c.headers(1, [(":status", "200"), ("content-length", "1000")], end_stream=True))
    c.expect(all_of(resp(1, "200", end_stream=True), closed_event(1), no_error()))

    c = new("a 304 response with content-length and no content",
            "For example, 204 or 304 responses contain no content ... A response that is defined to have no "
            "content ... MAY have a non-zero content-length header field", requests=[req()])
    c.handshake()
    c.step(c.headers(1, [(":status", "304"), ("content-length", "512")], end_stream=True))
    c.expect(all_of(resp(1, "304", end_stream=True), no_error()))

    c = new("a HEAD response with content-length then an empty DATA with END_STREAM",
            "A response that is defined to have no content ... MAY have a non-zero content-length header field, "
            "even though no content is included in DATA frames.", requests=[req(C_HEAD)])
    c.handshake()
    c.step(c.headers(1, [(":status", "200"), ("content-length", "1000")], end_stream=False),
           data(1, b"", end_stream=True))
    c.expect(all_of(resp(1, "200"), closed_event(1), no_error()))

    new = client_counter("8.3.2", cases)
    malformed = "Malformed requests or responses that are detected MUST be treated as a stream error (Section 5.4.2) of type PROTOCOL_ERROR. ... Clients MUST NOT accept a malformed response. [§8.1.1]"

    def bad_head(title, rule, fields=None, block=None):
        c = new(title, rule + " " + malformed, requests=[req()])
        c.handshake()
        if block is not None:
            c.step(headers_frame(1, block))
        else:
            c.step(c.headers(1, fields))
        c.expect(malformed_response(1))
        return c

    bad_head("a response without :status",
             "This pseudo-header field MUST be included in all responses, including interim responses; otherwise, "
             "the response is malformed (Section 8.1.1).", [("content-type", "text/plain")])
    bad_head("an interim response without :status",
             "This pseudo-header field MUST be included in all responses, including interim responses; otherwise, "
             "the response is malformed (Section 8.1.1).", [("link", "</a.css>; rel=preload")])
    for value in ("abc", "20", "2000", "099"):
        bad_head(f":status {value!r}",
                 "Endpoints MUST treat a request or response that contains undefined or invalid pseudo-header fields "
                 "as malformed (Section 8.1.1). [§8.3; RFC 9110 §15: the status code is a three-digit integer "
                 "from 100 to 599]", [(":status", value)])
    bad_head("two :status fields",
             "The same pseudo-header field name MUST NOT appear more than once in a field block. A field block for "
             "an HTTP request or response that contains a repeated pseudo-header field name MUST be treated as "
             "malformed (Section 8.1.1).", [(":status", "200"), (":status", "204")])
    for name, value in ((":method", "GET"), (":path", "/"), (":scheme", "https"), (":authority", "example.com")):
        bad_head(f"request pseudo-header {name} in a response",
                 "Pseudo-header fields defined for requests MUST NOT appear in responses ... Endpoints MUST treat a "
                 "request or response that contains undefined or invalid pseudo-header fields as malformed "
                 "(Section 8.1.1).", [(":status", "200"), (name, value)])
    bad_head("an undefined pseudo-header field in a response",
             "Endpoints MUST treat a request or response that contains undefined or invalid pseudo-header fields as "
             "malformed (Section 8.1.1).", [(":status", "200"), (":x-extra", "1")])
    bad_head(":status after a regular field",
             "All pseudo-header fields MUST appear in a field block before all regular field lines. Any request or "
             "response that contains a pseudo-header field that appears in a field block after a regular field "
             "line MUST be treated as malformed (Section 8.1.1).", [("content-type", "text/plain"), (":status", "200")])

    new = client_counter("8.2", cases)
    validity = "A request or response that contains a field that violates any of these conditions MUST be treated as malformed (Section 8.1.1)."
    bad_head("an uppercase field name in a response",
             "A field name MUST NOT contain characters in the ranges 0x00-0x20, 0x41-0x5a, or 0x7f-0xff (all ranges "
             "inclusive). This specifically excludes ... uppercase characters ('A' to 'Z', ASCII 0x41 to 0x5a). "
             + validity, block=STATIC_200 + literal("without", "text/plain", name="Content-Type"))
    bad_head("a field name with a space",
             "A field name MUST NOT contain characters in the ranges 0x00-0x20 ... " + validity,
             block=STATIC_200 + literal("without", "1", name="x bad"))
    bad_head("a field name with a colon",
             "With the exception of pseudo-header fields (Section 8.3), which have a name that starts with a single "
             "colon, field names MUST NOT include a colon (ASCII COLON, 0x3a). " + validity,
             block=STATIC_200 + literal("without", "1", name="x:bad"))
    for label, value in (("a line feed", "a\nb"), ("a carriage return", "a\rb"), ("NUL", "a\x00b")):
        bad_head(f"a field value with {label}",
                 "A field value MUST NOT contain the zero value (ASCII NUL, 0x00), line feed (ASCII LF, 0x0a), or "
                 "carriage return (ASCII CR, 0x0d) at any position. " + validity,
                 block=STATIC_200 + literal("without", value, name="x-bad"))
    bad_head("a field value with a leading space",
             "A field value MUST NOT start or end with an ASCII whitespace character (ASCII SP or HTAB, 0x20 or "
             "0x09). " + validity, block=STATIC_200 + literal("without", " padded", name="x-bad"))
    for name, value in (("connection", "keep-alive"), ("keep-alive", "timeout=5"), ("transfer-encoding", "chunked"),
                        ("upgrade", "h2c"), ("proxy-connection", "keep-alive")):
        bad_head(f"connection-specific field {name} in a response",
                 "Any message containing connection-specific header fields MUST be treated as malformed (Section "
                 "8.1.1). [§8.2.2: the Connection header field and Proxy-Connection, Keep-Alive, "
                 "Transfer-Encoding, and Upgrade]", [(":status", "200"), (name, value)])

    c = new("cookie and other regular fields are delivered",
            "Field names MUST be converted to lowercase when constructing an HTTP/2 message. [lowercase regular "
            "fields are valid]", requests=[req()])
    c.handshake()
    fields = [(":status", "200"), ("set-cookie", "a=b; Path=/"), ("cache-control", "no-store"), ("x-empty", "")]
    c.step(c.headers(1, fields))
    c.expect(all_of(resp(1, "200", fields=fields[1:]), no_error()))


# ---------------------------------------------------------------------------------------
# HPACK in responses (RFC 7541; RFC 9113 §4.3)

def client_section_hpack():
    cases = client_section("hpack.json", "HPACK", "Field compression in responses (RFC 7541, RFC 9113 §4.3)")
    new = client_counter("hpack", cases)
    decoding = ("A decoding error in a field block MUST be treated as a connection error (Section 5.4.1) of type "
                "COMPRESSION_ERROR. [RFC 9113 §4.3]")

    def negative(title, rule, block, stream_count=1):
        c = new(title, rule + " " + decoding, requests=gets(stream_count))
        c.handshake()
        c.step(headers_frame(1, block))
        c.expect(all_of(conn_error("COMPRESSION_ERROR"), not_(any_resp(1))))

    negative("an index beyond both tables",
             "RFC 7541 §2.3.3: Indices strictly greater than the sum of the lengths of both tables MUST be treated "
             "as a decoding error.", STATIC_200 + indexed(70))
    negative("index 0",
             "RFC 7541 §6.1: The index value of 0 is not used. It MUST be treated as a decoding error if found in an "
             "indexed header field representation.", indexed(0) + STATIC_200)
    negative("a table size update above the client's SETTINGS_HEADER_TABLE_SIZE",
             "RFC 7541 §6.3: The new maximum size MUST be lower than or equal to the limit determined by the "
             "protocol using HPACK. A value that exceeds this limit MUST be treated as a decoding error.",
             size_update(4097) + STATIC_200)
    negative("a table size update after a field",
             "RFC 7541 §4.2: This dynamic table size update MUST occur at the beginning of the first header block "
             "following the change to the dynamic table size.", STATIC_200 + size_update(0))
    negative("a Huffman string containing EOS",
             "RFC 7541 §5.2: A Huffman-encoded string literal containing the EOS symbol MUST be treated as a "
             "decoding error.",
             STATIC_200 + literal("without", b"", name="x-huffman")[:-1] + bytes([0x84, 0xff, 0xff, 0xff, 0xff]))
    negative("Huffman padding longer than 7 bits",
             "RFC 7541 §5.2: A padding strictly longer than 7 bits MUST be treated as a decoding error.",
             STATIC_200 + literal("without", b"", name="x-huffman")[:-1] + bytes([0x82, 0x1f, 0xff]))
    negative("an integer cut off by the end of the block",
             "RFC 7541 §5.1 [an integer whose continuation bit is set on its last octet is incomplete]",
             STATIC_200 + bytes([0xff, 0x80]))
    negative("a string longer than the rest of the block",
             "RFC 7541 §5.2 [a string literal of 10 octets with 3 present is incomplete]",
             STATIC_200 + bytes([0x00, 0x0a]) + b"abc")

    c = new("a decoding error on a stream the client reset",
            "A receiver MUST terminate the connection with a connection error (Section 5.4.1) of type "
            "COMPRESSION_ERROR if it does not decompress a field block. [RFC 9113 §4.3; §5.1: frames on a reset "
            "stream still update the compression state]", requests=gets(2))
    c.handshake()
    c.step(reset=[(1, "CANCEL")])
    c.step(headers_frame(1, STATIC_200 + indexed(75)))
    c.expect(conn_error("COMPRESSION_ERROR"))

    c = new("dynamic table entries carry over between responses",
            "RFC 9113 §4.3.1: Each endpoint has an HPACK encoder context and an HPACK decoder context that are used "
            "for encoding and decoding all field blocks on a connection.", requests=gets(3))
    c.handshake()
    shared = [(":status", "200"), ("x-request-id", "f00d"), ("content-type", "application/json")]
    c.step(c.headers(1, shared), c.headers(3, shared), c.headers(5, shared))
    c.expect(all_of(resp(1, fields=shared[1:]), resp(3, fields=shared[1:]), resp(5, fields=shared[1:]), no_error()))

    c = new("a table size update to 0, then literals",
            "RFC 7541 §6.3: A dynamic table size update signals a change to the size of the dynamic table.",
            requests=[req()])
    c.handshake()
    c.step(headers_frame(1, size_update(0) + STATIC_200 + literal("incremental", "kept-out", name="x-not-stored")))
    c.expect(all_of(resp(1, fields=[("x-not-stored", "kept-out")]), no_error()))

    c = new("never-indexed and Huffman literals",
            "RFC 7541 §6.2.3: A literal header field never-indexed representation ... §5.2: string literals may "
            "be Huffman encoded", requests=[req()])
    c.handshake()
    c.step(headers_frame(1, STATIC_200 + literal("never", "secret", name="set-cookie", huffman=True)
                         + literal("without", "text/plain", index=31, huffman=True)))
    c.expect(all_of(resp(1, fields=[("set-cookie", "secret"), ("content-type", "text/plain")]), no_error()))

    c = new("the server's SETTINGS_HEADER_TABLE_SIZE of 0 binds our encoder",
            "RFC 9113 §6.5.2: SETTINGS_HEADER_TABLE_SIZE: This setting allows the sender to inform the remote "
            "endpoint of the maximum size of the compression table used to decode field blocks ... RFC 7541 §4.2: "
            "a change in the maximum size of the dynamic table is signaled via a dynamic table size update ... "
            "at the beginning of the first header block following the change", server_header_table_size=0)
    c.handshake([(HEADER_TABLE_SIZE, 0)])
    c.step(requests=[req(C_GET + [("user-agent", "h2-conformance")]),
                     req(C_GET + [("user-agent", "h2-conformance")])])
    c.expect(all_of(sent(1, fields=[("user-agent", "h2-conformance")]), sent(3, fields=[("user-agent", "h2-conformance")])))

    c = new("the client's request field blocks decode with a fresh RFC 7541 decoder",
            "RFC 9113 §4.3.1: Each endpoint has an HPACK encoder context and an HPACK decoder context", requests=[
                req(C_GET + [("accept", "text/html"), ("x-trace", "1")]),
                req(C_GET + [("accept", "text/html"), ("x-trace", "2")]),
                req(C_POST + [("content-type", "application/json")], body=2)])
    c.handshake()
    c.step(ping(rand_bytes(8)))
    c.expect(all_of(sent(1, fields=[("x-trace", "1")]), sent(3, fields=[("x-trace", "2")]),
                    sent(5, fields=[("content-type", "application/json")], end_stream=False)))


CLIENT_SECTIONS = (client_section_3, client_section_4, client_section_5_1, client_section_5_1_1,
                   client_section_5_1_2, client_section_5_3, client_section_6_1, client_section_6_2,
                   client_section_6_4, client_section_6_5, client_section_6_6, client_section_6_7,
                   client_section_6_8, client_section_6_9, client_section_6_9_2, client_section_6_10,
                   client_section_8, client_section_hpack)


# ---------------------------------------------------------------------------------------

def main():
    for build in (section_3, section_4, section_5_1, section_5_1_1, section_5_1_2, section_5_3, section_5_4,
                  section_5_5, section_6_1, section_6_2, section_6_3, section_6_4, section_6_5, section_6_6,
                  section_6_7, section_6_8, section_6_9, section_6_9_1, section_6_9_2, section_6_10, section_7,
                  section_8, section_hpack):
        build()
    # Client-role scenarios come last, so the server files (and the seeded random octets
    # they use) stay exactly as they were.
    for build in CLIENT_SECTIONS:
        build()
    total = 0
    by_role = {}
    for filename, number, title, cases in FILES:
        ids = [case.id for case in cases]
        assert len(set(ids)) == len(ids), filename
        document = {"section": number, "title": title}
        if filename in ROLES:
            document["role"] = ROLES[filename]
        document["generator"] = (f"generate.py with hyperframe {hyperframe.__version__} and hpack "
                                 f"{hpack.__version__}, seed {SEED}")
        document["cases"] = [case.to_json() for case in cases]
        os.makedirs(os.path.dirname(os.path.join(HERE, filename)), exist_ok=True)
        role = ROLES.get(filename, "server")
        by_role[role] = by_role.get(role, 0) + len(cases)
        with open(os.path.join(HERE, filename), "w") as out:
            json.dump(document, out, indent=1, sort_keys=False)
            out.write("\n")
        total += len(cases)
        print(f"{filename}: {len(cases)} cases")
    for role, count in by_role.items():
        print(f"{role} role: {count} cases")
    print(f"{total} cases")


if __name__ == "__main__":
    main()
