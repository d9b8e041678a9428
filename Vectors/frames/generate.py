#!/usr/bin/env python3
"""Generates the HTTP/2 frame vectors in this folder (see README.md).

An independent implementation, Python's hyperframe 6.1.0, builds the wire bytes of
valid frames and decodes every wire it can: the expected fields and the expected
re-encoding ("encoded") come from hyperframe's own parse and serialize. Frames that
hyperframe refuses to build or to parse (invalid frames, reserved bits it does not
mask, PRIORITY_UPDATE which it does not know) are packed by hand with struct.pack,
each commented with the RFC rule it exercises.

Deterministic: a fixed seed, sorted output. Run from anywhere:
    pip install hyperframe==6.1.0
    python3 Vectors/frames/generate.py
"""
import json
import os
import random
import struct

import hyperframe
from hyperframe.frame import (
    ContinuationFrame, DataFrame, ExtensionFrame, Frame, GoAwayFrame, HeadersFrame,
    PingFrame, PriorityFrame, PushPromiseFrame, RstStreamFrame, SettingsFrame,
    WindowUpdateFrame,
)

assert hyperframe.__version__ == "6.1.0", hyperframe.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(9113)
DEFAULT_MAX = 16384

TYPE_NAMES = {
    0x0: "DATA", 0x1: "HEADERS", 0x2: "PRIORITY", 0x3: "RST_STREAM", 0x4: "SETTINGS",
    0x5: "PUSH_PROMISE", 0x6: "PING", 0x7: "GOAWAY", 0x8: "WINDOW_UPDATE",
    0x9: "CONTINUATION", 0x10: "PRIORITY_UPDATE",
}


def rand_bytes(n):
    return bytes(RNG.getrandbits(8) for _ in range(n))


def header(length, ftype, flags, stream_id):
    """A raw 9-octet frame header (RFC 9113 §4.1); stream_id may carry the reserved bit."""
    return struct.pack(">I", length)[1:] + struct.pack(">BBI", ftype, flags, stream_id)


def raw(ftype, flags, stream_id, payload):
    return header(len(payload), ftype, flags, stream_id) + payload


# --- hyperframe as the reference decoder -------------------------------------------

def describe(frame):
    """Expected fields, in the vector format, of a frame hyperframe parsed."""
    if isinstance(frame, ExtensionFrame):
        if frame.type == 0x10:
            # hyperframe does not know PRIORITY_UPDATE (RFC 9218 §7.1); decode its body.
            (word,) = struct.unpack(">I", frame.body[:4])
            return {"type": "PRIORITY_UPDATE", "stream_id": frame.stream_id, "flags": [],
                    "prioritized_stream_id": word & 0x7FFFFFFF,
                    "priority_field_value": frame.body[4:].decode("ascii")}
        return {"type": "UNKNOWN", "frame_type": frame.type, "flag_byte": frame.flag_byte,
                "stream_id": frame.stream_id, "payload": frame.body.hex()}
    out = {"type": TYPE_NAMES[frame.type], "stream_id": frame.stream_id,
           "flags": sorted(frame.flags)}
    if "PADDED" in frame.flags:
        out["pad_length"] = frame.pad_length
    if isinstance(frame, DataFrame):
        out["data"] = frame.data.hex()
    elif isinstance(frame, HeadersFrame):
        if "PRIORITY" in frame.flags:
            out["priority"] = {"exclusive": frame.exclusive, "depends_on": frame.depends_on,
                               "weight": frame.stream_weight}
        out["field_block"] = frame.data.hex()
    elif isinstance(frame, PriorityFrame):
        out["priority"] = {"exclusive": frame.exclusive, "depends_on": frame.depends_on,
                           "weight": frame.stream_weight}
    elif isinstance(frame, RstStreamFrame):
        out["error_code"] = frame.error_code
    elif isinstance(frame, SettingsFrame):
        out["settings"] = [[k, v] for k, v in frame.settings.items()]
    elif isinstance(frame, PushPromiseFrame):
        out["promised_stream_id"] = frame.promised_stream_id
        out["field_block"] = frame.data.hex()
    elif isinstance(frame, PingFrame):
        out["opaque_data"] = frame.opaque_data.hex()
    elif isinstance(frame, GoAwayFrame):
        out["last_stream_id"] = frame.last_stream_id
        out["error_code"] = frame.error_code
        out["debug_data"] = frame.additional_data.hex()
    elif isinstance(frame, WindowUpdateFrame):
        out["window_increment"] = frame.window_increment
    elif isinstance(frame, ContinuationFrame):
        out["field_block"] = frame.data.hex()
    else:
        raise ValueError(f"unexpected frame {frame!r}")
    return out


def hf_parse(wire):
    """Parses every frame of `wire` with hyperframe: (expected fields, re-encoding)."""
    view = memoryview(wire)
    frames, encoded = [], b""
    while view:
        frame, length = Frame.parse_frame_header(view[:9])
        assert len(view) >= 9 + length, "truncated wire"
        frame.parse_body(view[9:9 + length])
        view = view[9 + length:]
        frames.append(describe(frame))
        encoded += frame.serialize()
    return frames, encoded


# --- case builders --------------------------------------------------------------------

def ok(name, wire, max_frame_size=None, frames=None, encoded=None, note=None):
    """A valid wire. Expected frames and re-encoding come from hyperframe unless given."""
    if frames is None:
        frames, hf_encoded = hf_parse(wire)
        if encoded is None:
            encoded = hf_encoded
    case = {"name": name, "wire": wire.hex()}
    if note:
        case["note"] = note
    if max_frame_size is not None:
        case["max_frame_size"] = max_frame_size
    case["frames"] = frames
    if encoded is not None and encoded != wire:
        case["encoded"] = encoded.hex()
    return case


def bad(name, wire, code, scope, stream_id=None, frames=None, max_frame_size=None, note=None):
    """A wire whose last frame is an error; `frames` are the valid frames before it."""
    case = {"name": name, "wire": wire.hex()}
    if note:
        case["note"] = note
    if max_frame_size is not None:
        case["max_frame_size"] = max_frame_size
    case["frames"] = frames or []
    error = {"code": code, "scope": scope}
    if scope == "stream":
        error["stream_id"] = stream_id
    case["error"] = error
    return case


def ser(frame):
    return frame.serialize()


# --- §4.1 / §4.2 frame header ---------------------------------------------------------

def header_cases():
    c = []
    d = rand_bytes(10)
    # RFC 9113 §4.1: the reserved bit MUST be ignored on receipt (and zero on send).
    c.append(ok("reserved bit set on stream id (DATA)", raw(0x0, 0x0, 0x80000001, d)))
    c.append(ok("reserved bit set on stream 0 (PING)", raw(0x6, 0x0, 0x80000000, rand_bytes(8))))
    c.append(ok("largest stream id", ser(DataFrame(0x7FFFFFFF, data=d))))
    # RFC 9113 §4.1: unused flags MUST be ignored on receipt and left unset on send.
    c.append(ok("unknown flags on DATA", raw(0x0, 0xF6, 1, d)))
    c.append(ok("unknown flags on HEADERS", raw(0x1, 0xD2 | 0x04, 1, d)))
    c.append(ok("unknown flags on PRIORITY", raw(0x2, 0xFF, 3, struct.pack(">IB", 1, 15))))
    c.append(ok("unknown flags on RST_STREAM", raw(0x3, 0xFF, 3, struct.pack(">I", 8))))
    c.append(ok("unknown flags on SETTINGS", raw(0x4, 0xFE, 0, struct.pack(">HI", 3, 100))))
    c.append(ok("unknown flags on PUSH_PROMISE", raw(0x5, 0xF3 | 0x04, 1, struct.pack(">I", 2) + d)))
    c.append(ok("unknown flags on PING", raw(0x6, 0xFE, 0, rand_bytes(8))))
    c.append(ok("unknown flags on GOAWAY", raw(0x7, 0xFF, 0, struct.pack(">II", 5, 0))))
    c.append(ok("unknown flags on WINDOW_UPDATE", raw(0x8, 0xFF, 0, struct.pack(">I", 1000))))
    c.append(ok("unknown flags on CONTINUATION",
                raw(0x1, 0x0, 1, d) + raw(0x9, 0xFB | 0x04, 1, rand_bytes(4))))
    # RFC 9113 §4.2: frames up to SETTINGS_MAX_FRAME_SIZE are accepted.
    c.append(ok("DATA of exactly 16384 octets", ser(DataFrame(1, data=rand_bytes(16384)))))
    c.append(ok("DATA of 20000 octets with max frame size 20000",
                ser(DataFrame(1, data=rand_bytes(20000))), max_frame_size=20000))
    # RFC 9113 §4.2: a frame exceeding SETTINGS_MAX_FRAME_SIZE is FRAME_SIZE_ERROR (a
    # connection error here: the payload is not read).
    c.append(bad("DATA of 16385 octets", raw(0x0, 0x0, 1, rand_bytes(16385)),
                 "FRAME_SIZE_ERROR", "connection"))
    c.append(bad("DATA of 20001 octets with max frame size 20000", raw(0x0, 0x0, 1, rand_bytes(20001)),
                 "FRAME_SIZE_ERROR", "connection", max_frame_size=20000))
    c.append(bad("HEADERS of 16385 octets", raw(0x1, 0x4, 1, rand_bytes(16385)),
                 "FRAME_SIZE_ERROR", "connection"))
    c.append(bad("SETTINGS of 16386 octets", raw(0x4, 0x0, 0, struct.pack(">HI", 0xF0, 0) * 2731),
                 "FRAME_SIZE_ERROR", "connection"))
    c.append(bad("unknown type of 16385 octets", raw(0xFA, 0x0, 0, rand_bytes(16385)),
                 "FRAME_SIZE_ERROR", "connection"))
    first = ser(SettingsFrame(0, settings={4: 1 << 20}))
    c.append(bad("oversized frame after a valid one", first + raw(0x0, 0x1, 1, rand_bytes(16385)),
                 "FRAME_SIZE_ERROR", "connection", frames=hf_parse(first)[0]))
    # Several frames back to back in one wire.
    seq = (ser(SettingsFrame(0, settings={3: 100, 4: 65535}))
           + ser(WindowUpdateFrame(0, window_increment=1 << 20))
           + ser(HeadersFrame(1, data=rand_bytes(20), flags=["END_HEADERS"]))
           + ser(DataFrame(1, data=rand_bytes(100), flags=["END_STREAM"]))
           + ser(PingFrame(0, opaque_data=rand_bytes(8), flags=["ACK"]))
           + ser(SettingsFrame(0, flags=["ACK"])))
    c.append(ok("six frames back to back", seq))
    return c


# --- §4.1, §5.5 unknown frame types ------------------------------------------------

def unknown_cases():
    c = []
    # RFC 9113 §4.1, §5.5: frames of unknown types are surfaced as they are, then ignored.
    for ftype, flags, sid, n in [(0x0B, 0x00, 0, 0), (0x0B, 0xFF, 1, 12), (0x20, 0x01, 7, 3),
                                 (0xFA, 0x80, 0x80000005, 40), (0xFF, 0x5A, 0, 1)]:
        f = ExtensionFrame(type=ftype, stream_id=sid & 0x7FFFFFFF, flag_byte=flags, body=rand_bytes(n))
        f.body_len = n
        wire = raw(ftype, flags, sid, f.body)
        c.append(ok(f"unknown type 0x{ftype:02x} flags 0x{flags:02x} stream {sid & 0x7FFFFFFF}"
                    + (" (reserved bit set)" if sid & 0x80000000 else ""), wire))
    c.append(ok("unknown type between two known frames",
                ser(PingFrame(0, opaque_data=rand_bytes(8))) + raw(0xCC, 0, 3, rand_bytes(5))
                + ser(WindowUpdateFrame(3, window_increment=7))))
    return c


# --- §6.1 DATA -------------------------------------------------------------------------

def data_cases():
    c = []
    for flags in ([], ["END_STREAM"]):
        tag = "+".join(flags) or "no flags"
        c.append(ok(f"DATA {tag}", ser(DataFrame(1, data=rand_bytes(32), flags=flags))))
        c.append(ok(f"DATA empty {tag}", ser(DataFrame(3, data=b"", flags=flags))))
        for pad in (0, 1, 7, 255):
            c.append(ok(f"DATA PADDED pad {pad} {tag}",
                        ser(DataFrame(5, data=rand_bytes(20), pad_length=pad, flags=flags + ["PADDED"]))))
        c.append(ok(f"DATA PADDED empty data pad 9 {tag}",
                    ser(DataFrame(5, data=b"", pad_length=9, flags=flags + ["PADDED"]))))
    c.append(ok("DATA PADDED pad 0 only the Pad Length octet", raw(0x0, 0x8, 1, b"\x00")))
    c.append(ok("DATA non-zero padding is accepted", raw(0x0, 0x8, 1, b"\x02" + rand_bytes(3) + b"\x01\x02"),
                note="RFC 9113 §6.1: a receiver is not obligated to verify padding"))
    # RFC 9113 §6.1: DATA on stream 0 is a connection error PROTOCOL_ERROR.
    c.append(bad("DATA on stream 0", raw(0x0, 0x0, 0, rand_bytes(4)), "PROTOCOL_ERROR", "connection"))
    c.append(bad("DATA on stream 0 with reserved bit", raw(0x0, 0x1, 0x80000000, b""),
                 "PROTOCOL_ERROR", "connection"))
    # RFC 9113 §6.1: padding the length of the payload or greater is PROTOCOL_ERROR.
    c.append(bad("DATA pad length equals payload length", raw(0x0, 0x8, 1, b"\x05" + rand_bytes(4)),
                 "PROTOCOL_ERROR", "connection"))
    c.append(bad("DATA pad length 1 in a 1-octet payload", raw(0x0, 0x8, 1, b"\x01"),
                 "PROTOCOL_ERROR", "connection"))
    c.append(bad("DATA pad length exceeds payload", raw(0x0, 0x8, 1, b"\xff" + rand_bytes(10)),
                 "PROTOCOL_ERROR", "connection"))
    # RFC 9113 §4.2: too small to hold the Pad Length field: FRAME_SIZE_ERROR.
    c.append(bad("DATA PADDED with empty payload", raw(0x0, 0x8, 1, b""), "FRAME_SIZE_ERROR", "connection"))
    return c


# --- §6.2 HEADERS ----------------------------------------------------------------------

def headers_cases():
    c = []
    combos = [["END_HEADERS"], ["END_HEADERS", "END_STREAM"]]
    for flags in combos:
        tag = "+".join(flags)
        block = rand_bytes(24)
        c.append(ok(f"HEADERS {tag}", ser(HeadersFrame(1, data=block, flags=flags))))
        c.append(ok(f"HEADERS {tag} PADDED pad 16",
                    ser(HeadersFrame(3, data=block, pad_length=16, flags=flags + ["PADDED"]))))
        c.append(ok(f"HEADERS {tag} PRIORITY",
                    ser(HeadersFrame(5, data=block, depends_on=3, stream_weight=200, flags=flags + ["PRIORITY"]))))
        c.append(ok(f"HEADERS {tag} PRIORITY exclusive weight 0",
                    ser(HeadersFrame(7, data=block, depends_on=0, stream_weight=0, exclusive=True,
                                     flags=flags + ["PRIORITY"]))))
        c.append(ok(f"HEADERS {tag} PADDED PRIORITY",
                    ser(HeadersFrame(9, data=block, pad_length=3, depends_on=1, stream_weight=255,
                                     exclusive=True, flags=flags + ["PADDED", "PRIORITY"]))))
    c.append(ok("HEADERS empty field block", ser(HeadersFrame(1, data=b"", flags=["END_HEADERS"]))))
    c.append(ok("HEADERS PRIORITY only the priority fields",
                ser(HeadersFrame(1, data=b"", depends_on=0, stream_weight=15, flags=["END_HEADERS", "PRIORITY"]))))
    c.append(ok("HEADERS PADDED PRIORITY pad fills the rest",
                raw(0x1, 0x2C, 1, b"\x02" + struct.pack(">IB", 3, 9) + b"\x00\x00")))
    c.append(ok("HEADERS PRIORITY dependency with reserved bit means exclusive",
                raw(0x1, 0x24, 11, struct.pack(">IB", 0x80000009, 1) + rand_bytes(5))))
    h = ser(HeadersFrame(1, data=rand_bytes(10), flags=["END_STREAM"]))
    k = ser(ContinuationFrame(1, data=rand_bytes(10), flags=["END_HEADERS"]))
    c.append(ok("HEADERS without END_HEADERS then CONTINUATION", h + k))
    # RFC 9113 §6.2: HEADERS on stream 0 is a connection error PROTOCOL_ERROR.
    c.append(bad("HEADERS on stream 0", raw(0x1, 0x4, 0, rand_bytes(6)), "PROTOCOL_ERROR", "connection"))
    # RFC 9113 §6.2: padding the length of the payload or greater is PROTOCOL_ERROR.
    c.append(bad("HEADERS pad length equals payload length", raw(0x1, 0xC, 1, b"\x04" + rand_bytes(3)),
                 "PROTOCOL_ERROR", "connection"))
    c.append(bad("HEADERS pad length exceeds payload", raw(0x1, 0xC, 1, b"\x40" + rand_bytes(3)),
                 "PROTOCOL_ERROR", "connection"))
    c.append(bad("HEADERS padding overlaps priority fields",
                 raw(0x1, 0x2C, 1, b"\x03" + struct.pack(">IB", 3, 9) + b"\x00"),
                 "PROTOCOL_ERROR", "connection",
                 note="pad length 3 < payload 7, but 1 + 5 + 3 > 7: the padding does not fit"))
    # RFC 9113 §4.2: too small for mandatory fields; a field-block frame, so a connection error.
    c.append(bad("HEADERS PADDED with empty payload", raw(0x1, 0xC, 1, b""), "FRAME_SIZE_ERROR", "connection"))
    c.append(bad("HEADERS PRIORITY with 4-octet payload", raw(0x1, 0x24, 1, rand_bytes(4)),
                 "FRAME_SIZE_ERROR", "connection"))
    c.append(bad("HEADERS PADDED PRIORITY with 5-octet payload", raw(0x1, 0x2C, 1, b"\x00" + rand_bytes(4)),
                 "FRAME_SIZE_ERROR", "connection"))
    # RFC 7540 §5.3.1 (kept by RFC 9113 §5.3.2): a stream depending on itself is a stream
    # error PROTOCOL_ERROR.
    c.append(bad("HEADERS PRIORITY depends on itself",
                 raw(0x1, 0x24, 3, struct.pack(">IB", 3, 16) + rand_bytes(4)),
                 "PROTOCOL_ERROR", "stream", stream_id=3))
    c.append(bad("HEADERS PRIORITY exclusive depends on itself",
                 raw(0x1, 0x25, 5, struct.pack(">IB", 0x80000005, 16) + rand_bytes(4)),
                 "PROTOCOL_ERROR", "stream", stream_id=5))
    # RFC 9113 §6.2: after HEADERS without END_HEADERS, any frame but CONTINUATION on the
    # same stream is a connection error PROTOCOL_ERROR (also §4.3, §5.5).
    hf = hf_parse(h)[0]
    c.append(bad("HEADERS without END_HEADERS then DATA", h + raw(0x0, 0x0, 1, rand_bytes(3)),
                 "PROTOCOL_ERROR", "connection", frames=hf))
    c.append(bad("HEADERS without END_HEADERS then CONTINUATION on another stream",
                 h + raw(0x9, 0x4, 3, rand_bytes(3)), "PROTOCOL_ERROR", "connection", frames=hf))
    c.append(bad("HEADERS without END_HEADERS then PRIORITY", h + raw(0x2, 0x0, 1, struct.pack(">IB", 0, 1)),
                 "PROTOCOL_ERROR", "connection", frames=hf))
    c.append(bad("HEADERS without END_HEADERS then unknown type", h + raw(0xFA, 0x0, 1, b""),
                 "PROTOCOL_ERROR", "connection", frames=hf))
    c.append(bad("HEADERS without END_HEADERS then PING", h + raw(0x6, 0x0, 0, rand_bytes(8)),
                 "PROTOCOL_ERROR", "connection", frames=hf))
    c.append(bad("HEADERS without END_HEADERS then HEADERS", h + h, "PROTOCOL_ERROR", "connection", frames=hf))
    return c


# --- §6.3 PRIORITY ---------------------------------------------------------------------

def priority_cases():
    c = []
    c.append(ok("PRIORITY", ser(PriorityFrame(3, depends_on=1, stream_weight=31))))
    c.append(ok("PRIORITY exclusive", ser(PriorityFrame(5, depends_on=3, stream_weight=255, exclusive=True))))
    c.append(ok("PRIORITY on dependency 0 weight 0", ser(PriorityFrame(7, depends_on=0, stream_weight=0))))
    c.append(ok("PRIORITY on a server stream id", ser(PriorityFrame(2, depends_on=9, stream_weight=1))))
    # RFC 9113 §6.3: PRIORITY on stream 0 is a connection error PROTOCOL_ERROR.
    c.append(bad("PRIORITY on stream 0", raw(0x2, 0x0, 0, struct.pack(">IB", 1, 1)), "PROTOCOL_ERROR", "connection"))
    c.append(bad("PRIORITY on stream 0 with wrong length", raw(0x2, 0x0, 0, rand_bytes(4)),
                 "PROTOCOL_ERROR", "connection"))
    # RFC 9113 §6.3: a length other than 5 is a stream error FRAME_SIZE_ERROR.
    for n in (0, 4, 6):
        c.append(bad(f"PRIORITY length {n}", raw(0x2, 0x0, 3, rand_bytes(n)), "FRAME_SIZE_ERROR", "stream", stream_id=3))
    # RFC 7540 §5.3.1: depending on itself is a stream error PROTOCOL_ERROR.
    c.append(bad("PRIORITY depends on itself", raw(0x2, 0x0, 9, struct.pack(">IB", 9, 7)),
                 "PROTOCOL_ERROR", "stream", stream_id=9))
    return c


# --- §6.4 RST_STREAM -------------------------------------------------------------------

def rst_stream_cases():
    c = []
    for code in list(range(0, 14)) + [0xDEADBEEF]:
        c.append(ok(f"RST_STREAM error code 0x{code:x}", ser(RstStreamFrame(1 + 2 * (code % 5), error_code=code))))
    # RFC 9113 §6.4: RST_STREAM on stream 0 is a connection error PROTOCOL_ERROR.
    c.append(bad("RST_STREAM on stream 0", raw(0x3, 0x0, 0, struct.pack(">I", 8)), "PROTOCOL_ERROR", "connection"))
    # RFC 9113 §6.4: a length other than 4 is a connection error FRAME_SIZE_ERROR.
    for n in (0, 3, 5, 8):
        c.append(bad(f"RST_STREAM length {n}", raw(0x3, 0x0, 1, rand_bytes(n)), "FRAME_SIZE_ERROR", "connection"))
    return c


# --- §6.5 SETTINGS ---------------------------------------------------------------------

def settings_cases():
    c = []
    c.append(ok("SETTINGS empty", ser(SettingsFrame(0))))
    c.append(ok("SETTINGS ACK", ser(SettingsFrame(0, flags=["ACK"]))))
    c.append(ok("SETTINGS all defined", ser(SettingsFrame(0, settings={
        1: 4096, 2: 0, 3: 100, 4: 65535, 5: 16384, 6: 8192}))))
    c.append(ok("SETTINGS boundary values", ser(SettingsFrame(0, settings={
        1: 0xFFFFFFFF, 2: 1, 3: 0, 4: 0x7FFFFFFF, 5: 16777215, 6: 0}))))
    c.append(ok("SETTINGS MAX_FRAME_SIZE lower bound and INITIAL_WINDOW_SIZE 0",
                ser(SettingsFrame(0, settings={5: 16384, 4: 0}))))
    # RFC 9113 §6.5.2: unknown settings MUST be ignored (they are surfaced, not rejected).
    c.append(ok("SETTINGS unknown identifiers", ser(SettingsFrame(0, settings={0x8: 1, 0x9: 1, 0xF0: 0xFFFFFFFF, 0x7: 5}))))
    c.append(ok("SETTINGS unknown 16-bit identifier", raw(0x4, 0x0, 0, struct.pack(">HIHI", 0xFAFA, 7, 0x0100, 2)),
                frames=[{"type": "SETTINGS", "stream_id": 0, "flags": [], "settings": [[0xFAFA, 7], [0x0100, 2]]}],
                note="hyperframe masks identifiers to 8 bits when it serializes; packed by hand"))
    c.append(ok("SETTINGS repeated identifier kept in order",
                raw(0x4, 0x0, 0, struct.pack(">HIHIHI", 4, 100, 3, 7, 4, 200)),
                frames=[{"type": "SETTINGS", "stream_id": 0, "flags": [], "settings": [[4, 100], [3, 7], [4, 200]]}],
                note="RFC 9113 §6.5.3: processed in order, the last value wins; hyperframe keeps a dict"))
    # RFC 9113 §6.5: SETTINGS on a non-zero stream is a connection error PROTOCOL_ERROR.
    c.append(bad("SETTINGS on stream 1", raw(0x4, 0x0, 1, b""), "PROTOCOL_ERROR", "connection"))
    c.append(bad("SETTINGS ACK on stream 3", raw(0x4, 0x1, 3, b""), "PROTOCOL_ERROR", "connection"))
    # RFC 9113 §6.5: ACK with a non-empty payload is a connection error FRAME_SIZE_ERROR.
    c.append(bad("SETTINGS ACK with a setting", raw(0x4, 0x1, 0, struct.pack(">HI", 3, 100)),
                 "FRAME_SIZE_ERROR", "connection"))
    c.append(bad("SETTINGS ACK with one octet", raw(0x4, 0x1, 0, b"\x00"), "FRAME_SIZE_ERROR", "connection"))
    # RFC 9113 §6.5: a length that is not a multiple of 6 is a connection error FRAME_SIZE_ERROR.
    for n in (1, 5, 7, 11):
        c.append(bad(f"SETTINGS length {n}", raw(0x4, 0x0, 0, rand_bytes(n)), "FRAME_SIZE_ERROR", "connection"))
    # RFC 9113 §6.5.2: value ranges.
    c.append(bad("SETTINGS ENABLE_PUSH 2", raw(0x4, 0x0, 0, struct.pack(">HI", 2, 2)), "PROTOCOL_ERROR", "connection"))
    c.append(bad("SETTINGS INITIAL_WINDOW_SIZE 2^31", raw(0x4, 0x0, 0, struct.pack(">HI", 4, 0x80000000)),
                 "FLOW_CONTROL_ERROR", "connection"))
    c.append(bad("SETTINGS MAX_FRAME_SIZE 16383", raw(0x4, 0x0, 0, struct.pack(">HI", 5, 16383)),
                 "PROTOCOL_ERROR", "connection"))
    c.append(bad("SETTINGS MAX_FRAME_SIZE 2^24", raw(0x4, 0x0, 0, struct.pack(">HI", 5, 1 << 24)),
                 "PROTOCOL_ERROR", "connection"))
    c.append(bad("SETTINGS bad value after good ones",
                 raw(0x4, 0x0, 0, struct.pack(">HIHI", 3, 100, 2, 7)), "PROTOCOL_ERROR", "connection"))
    return c


# --- §6.6 PUSH_PROMISE -----------------------------------------------------------------

def push_promise_cases():
    c = []
    block = rand_bytes(18)
    c.append(ok("PUSH_PROMISE END_HEADERS", ser(PushPromiseFrame(1, promised_stream_id=2, data=block, flags=["END_HEADERS"]))))
    c.append(ok("PUSH_PROMISE END_HEADERS PADDED",
                ser(PushPromiseFrame(3, promised_stream_id=4, data=block, pad_length=10, flags=["END_HEADERS", "PADDED"]))))
    c.append(ok("PUSH_PROMISE PADDED pad 0 empty block",
                ser(PushPromiseFrame(3, promised_stream_id=6, data=b"", pad_length=0, flags=["END_HEADERS", "PADDED"]))))
    c.append(ok("PUSH_PROMISE largest promised id",
                ser(PushPromiseFrame(1, promised_stream_id=0x7FFFFFFE, data=block, flags=["END_HEADERS"]))))
    pp = ser(PushPromiseFrame(1, promised_stream_id=8, data=block))
    c.append(ok("PUSH_PROMISE without END_HEADERS then CONTINUATION",
                pp + ser(ContinuationFrame(1, data=rand_bytes(5), flags=["END_HEADERS"]))))
    # RFC 9113 §4.1: the reserved bit before the Promised Stream ID is ignored.
    c.append(ok("PUSH_PROMISE promised id with reserved bit", raw(0x5, 0x4, 1, struct.pack(">I", 0x80000002) + block),
                frames=[{"type": "PUSH_PROMISE", "stream_id": 1, "flags": ["END_HEADERS"],
                         "promised_stream_id": 2, "field_block": block.hex()}],
                encoded=raw(0x5, 0x4, 1, struct.pack(">I", 2) + block),
                note="hyperframe keeps the reserved bit in promised_stream_id; expected fields by hand"))
    # RFC 9113 §6.6: PUSH_PROMISE on stream 0 is a connection error PROTOCOL_ERROR.
    c.append(bad("PUSH_PROMISE on stream 0", raw(0x5, 0x4, 0, struct.pack(">I", 2) + block), "PROTOCOL_ERROR", "connection"))
    # RFC 9113 §4.2: too small for the Promised Stream ID; a field-block frame: connection error.
    c.append(bad("PUSH_PROMISE length 3", raw(0x5, 0x4, 1, rand_bytes(3)), "FRAME_SIZE_ERROR", "connection"))
    c.append(bad("PUSH_PROMISE PADDED length 4", raw(0x5, 0xC, 1, b"\x00" + rand_bytes(3)), "FRAME_SIZE_ERROR", "connection"))
    # RFC 9113 §6.6: padding the length of the payload or greater is PROTOCOL_ERROR.
    c.append(bad("PUSH_PROMISE pad length equals payload length",
                 raw(0x5, 0xC, 1, b"\x08" + struct.pack(">I", 2) + rand_bytes(3)), "PROTOCOL_ERROR", "connection"))
    c.append(bad("PUSH_PROMISE padding overlaps promised id",
                 raw(0x5, 0xC, 1, b"\x02" + struct.pack(">I", 2) + rand_bytes(1)), "PROTOCOL_ERROR", "connection",
                 note="pad length 2 < payload 6, but 1 + 4 + 2 > 6"))
    c.append(bad("PUSH_PROMISE without END_HEADERS then DATA", pp + raw(0x0, 0x0, 1, b"x"),
                 "PROTOCOL_ERROR", "connection", frames=hf_parse(pp)[0]))
    return c


# --- §6.7 PING -------------------------------------------------------------------------

def ping_cases():
    c = []
    c.append(ok("PING", ser(PingFrame(0, opaque_data=rand_bytes(8)))))
    c.append(ok("PING ACK", ser(PingFrame(0, opaque_data=rand_bytes(8), flags=["ACK"]))))
    c.append(ok("PING all zero", ser(PingFrame(0, opaque_data=b"\x00" * 8))))
    c.append(ok("PING all ones", ser(PingFrame(0, opaque_data=b"\xff" * 8))))
    # RFC 9113 §6.7: PING on a non-zero stream is a connection error PROTOCOL_ERROR.
    c.append(bad("PING on stream 1", raw(0x6, 0x0, 1, rand_bytes(8)), "PROTOCOL_ERROR", "connection"))
    c.append(bad("PING ACK on stream 2", raw(0x6, 0x1, 2, rand_bytes(8)), "PROTOCOL_ERROR", "connection"))
    # RFC 9113 §6.7: a length other than 8 is a connection error FRAME_SIZE_ERROR.
    for n in (0, 7, 9, 16):
        c.append(bad(f"PING length {n}", raw(0x6, 0x0, 0, rand_bytes(n)), "FRAME_SIZE_ERROR", "connection"))
    c.append(bad("PING ACK length 4", raw(0x6, 0x1, 0, rand_bytes(4)), "FRAME_SIZE_ERROR", "connection"))
    return c


# --- §6.8 GOAWAY -----------------------------------------------------------------------

def goaway_cases():
    c = []
    c.append(ok("GOAWAY NO_ERROR", ser(GoAwayFrame(0, last_stream_id=0, error_code=0))))
    c.append(ok("GOAWAY graceful 2^31-1", ser(GoAwayFrame(0, last_stream_id=0x7FFFFFFF, error_code=0))))
    c.append(ok("GOAWAY PROTOCOL_ERROR with debug data",
                ser(GoAwayFrame(0, last_stream_id=7, error_code=1, additional_data=b"bad frame"))))
    c.append(ok("GOAWAY unknown error code", ser(GoAwayFrame(0, last_stream_id=9, error_code=0xABCDEF01))))
    c.append(ok("GOAWAY large debug data", ser(GoAwayFrame(0, last_stream_id=1, error_code=11, additional_data=rand_bytes(300)))))
    # RFC 9113 §4.1: the reserved bit before Last-Stream-ID is ignored.
    c.append(ok("GOAWAY last stream id with reserved bit", raw(0x7, 0x0, 0, struct.pack(">II", 0x80000003, 2)),
                frames=[{"type": "GOAWAY", "stream_id": 0, "flags": [], "last_stream_id": 3,
                         "error_code": 2, "debug_data": ""}],
                encoded=raw(0x7, 0x0, 0, struct.pack(">II", 3, 2)),
                note="hyperframe keeps the reserved bit in last_stream_id; expected fields by hand"))
    # RFC 9113 §6.8: GOAWAY on a non-zero stream is a connection error PROTOCOL_ERROR.
    c.append(bad("GOAWAY on stream 1", raw(0x7, 0x0, 1, struct.pack(">II", 0, 0)), "PROTOCOL_ERROR", "connection"))
    # RFC 9113 §4.2: shorter than its 8 mandatory octets; stream 0, so a connection error.
    for n in (0, 4, 7):
        c.append(bad(f"GOAWAY length {n}", raw(0x7, 0x0, 0, rand_bytes(n)), "FRAME_SIZE_ERROR", "connection"))
    return c


# --- §6.9 WINDOW_UPDATE ----------------------------------------------------------------

def window_update_cases():
    c = []
    c.append(ok("WINDOW_UPDATE connection", ser(WindowUpdateFrame(0, window_increment=65535))))
    c.append(ok("WINDOW_UPDATE stream", ser(WindowUpdateFrame(3, window_increment=1))))
    c.append(ok("WINDOW_UPDATE largest increment", ser(WindowUpdateFrame(5, window_increment=0x7FFFFFFF))))
    # RFC 9113 §6.9 / §4.1: the reserved bit before the increment is ignored.
    c.append(ok("WINDOW_UPDATE increment with reserved bit", raw(0x8, 0x0, 1, struct.pack(">I", 0x80000010)),
                frames=[{"type": "WINDOW_UPDATE", "stream_id": 1, "flags": [], "window_increment": 16}],
                encoded=raw(0x8, 0x0, 1, struct.pack(">I", 16)),
                note="hyperframe rejects the reserved bit as an increment above 2^31-1; expected fields by hand"))
    # RFC 9113 §6.9: increment 0 is PROTOCOL_ERROR: stream error on a stream, connection
    # error on the connection.
    c.append(bad("WINDOW_UPDATE increment 0 on stream", raw(0x8, 0x0, 5, struct.pack(">I", 0)),
                 "PROTOCOL_ERROR", "stream", stream_id=5))
    c.append(bad("WINDOW_UPDATE increment 0 on connection", raw(0x8, 0x0, 0, struct.pack(">I", 0)),
                 "PROTOCOL_ERROR", "connection"))
    c.append(bad("WINDOW_UPDATE only reserved bit on stream", raw(0x8, 0x0, 7, struct.pack(">I", 0x80000000)),
                 "PROTOCOL_ERROR", "stream", stream_id=7))
    # RFC 9113 §6.9: a length other than 4 is a connection error FRAME_SIZE_ERROR.
    for n, sid in ((0, 1), (3, 1), (5, 0), (8, 3)):
        c.append(bad(f"WINDOW_UPDATE length {n} on stream {sid}", raw(0x8, 0x0, sid, b"\x00" + rand_bytes(n - 1) if n else b""),
                     "FRAME_SIZE_ERROR", "connection"))
    wu = ser(WindowUpdateFrame(0, window_increment=100))
    c.append(bad("stream error after a valid frame", wu + raw(0x8, 0x0, 9, struct.pack(">I", 0)),
                 "PROTOCOL_ERROR", "stream", stream_id=9, frames=hf_parse(wu)[0]))
    return c


# --- §6.10 CONTINUATION ----------------------------------------------------------------

def continuation_cases():
    c = []
    h = ser(HeadersFrame(1, data=rand_bytes(16)))
    k1 = ser(ContinuationFrame(1, data=rand_bytes(16)))
    k2 = ser(ContinuationFrame(1, data=rand_bytes(7), flags=["END_HEADERS"]))
    c.append(ok("HEADERS CONTINUATION CONTINUATION", h + k1 + k2))
    c.append(ok("HEADERS then empty CONTINUATION", h + ser(ContinuationFrame(1, data=b"", flags=["END_HEADERS"]))))
    c.append(ok("field block then DATA", h + k2 + ser(DataFrame(1, data=rand_bytes(4), flags=["END_STREAM"]))))
    pp = ser(PushPromiseFrame(3, promised_stream_id=2, data=rand_bytes(9)))
    c.append(ok("PUSH_PROMISE CONTINUATION", pp + ser(ContinuationFrame(3, data=rand_bytes(9), flags=["END_HEADERS"]))))
    hf = hf_parse(h)[0]
    # RFC 9113 §6.10: CONTINUATION must follow HEADERS, PUSH_PROMISE or CONTINUATION
    # without END_HEADERS; otherwise a connection error PROTOCOL_ERROR.
    c.append(bad("CONTINUATION alone", raw(0x9, 0x4, 1, rand_bytes(4)), "PROTOCOL_ERROR", "connection"))
    done = ser(HeadersFrame(1, data=rand_bytes(4), flags=["END_HEADERS"]))
    c.append(bad("CONTINUATION after END_HEADERS", done + raw(0x9, 0x4, 1, rand_bytes(4)),
                 "PROTOCOL_ERROR", "connection", frames=hf_parse(done)[0]))
    c.append(bad("CONTINUATION after a finished CONTINUATION", h + k2 + raw(0x9, 0x4, 1, b""),
                 "PROTOCOL_ERROR", "connection", frames=hf_parse(h + k2)[0]))
    c.append(bad("CONTINUATION after DATA", ser(DataFrame(1, data=b"ab")) + raw(0x9, 0x4, 1, b""),
                 "PROTOCOL_ERROR", "connection", frames=hf_parse(ser(DataFrame(1, data=b"ab")))[0]))
    # RFC 9113 §6.10: CONTINUATION on stream 0 is a connection error PROTOCOL_ERROR.
    c.append(bad("CONTINUATION on stream 0", h + raw(0x9, 0x4, 0, rand_bytes(2)),
                 "PROTOCOL_ERROR", "connection", frames=hf))
    c.append(bad("CONTINUATION on another stream", h + k1 + raw(0x9, 0x4, 3, rand_bytes(2)),
                 "PROTOCOL_ERROR", "connection", frames=hf_parse(h + k1)[0]))
    c.append(bad("CONTINUATION over max frame size", h + raw(0x9, 0x4, 1, rand_bytes(16385)),
                 "FRAME_SIZE_ERROR", "connection", frames=hf))
    return c


# --- RFC 9218 §7.1 PRIORITY_UPDATE -----------------------------------------------------

def priority_update(prioritized, value, stream_id=0, flags=0):
    # hyperframe has no PRIORITY_UPDATE class; it builds it as an extension frame.
    body = struct.pack(">I", prioritized) + value
    f = ExtensionFrame(type=0x10, stream_id=stream_id, flag_byte=flags, body=body)
    f.body_len = len(body)
    return f.serialize()


def priority_update_cases():
    c = []
    c.append(ok("PRIORITY_UPDATE u=3, i", priority_update(1, b"u=3, i")))
    c.append(ok("PRIORITY_UPDATE empty value", priority_update(5, b"")))
    c.append(ok("PRIORITY_UPDATE for an idle stream", priority_update(0x7FFFFFFF, b"u=0")))
    # RFC 9113 §4.1: the reserved bit before the Prioritized Stream ID is ignored.
    c.append(ok("PRIORITY_UPDATE prioritized id with reserved bit", priority_update(0x80000003, b"i"),
                encoded=priority_update(3, b"i")))
    # RFC 9113 §4.1: unused flags are ignored.
    c.append(ok("PRIORITY_UPDATE unknown flags", priority_update(7, b"u=7", flags=0xFF),
                encoded=priority_update(7, b"u=7")))
    # RFC 9218 §7.1: on a stream other than 0 it is a connection error PROTOCOL_ERROR.
    c.append(bad("PRIORITY_UPDATE on stream 1", raw(0x10, 0x0, 1, struct.pack(">I", 1) + b"u=1"),
                 "PROTOCOL_ERROR", "connection"))
    # RFC 9218 §7.1: a payload shorter than the 4-octet Prioritized Stream ID is FRAME_SIZE_ERROR.
    for n in (0, 3):
        c.append(bad(f"PRIORITY_UPDATE length {n}", raw(0x10, 0x0, 0, rand_bytes(n)), "FRAME_SIZE_ERROR", "connection"))
    # RFC 9218 §7.1: a Prioritized Stream ID of 0 is a connection error PROTOCOL_ERROR.
    c.append(bad("PRIORITY_UPDATE for stream 0", raw(0x10, 0x0, 0, struct.pack(">I", 0) + b"u=1"),
                 "PROTOCOL_ERROR", "connection"))
    return c


FILES = {
    "frame_header.json": ("RFC 9113 §4.1, §4.2: frame header, reserved bit, unused flags, frame size", header_cases),
    "unknown.json": ("RFC 9113 §4.1, §5.5: frames of unknown type", unknown_cases),
    "data.json": ("RFC 9113 §6.1: DATA", data_cases),
    "headers.json": ("RFC 9113 §6.2: HEADERS", headers_cases),
    "priority.json": ("RFC 9113 §6.3: PRIORITY", priority_cases),
    "rst_stream.json": ("RFC 9113 §6.4: RST_STREAM", rst_stream_cases),
    "settings.json": ("RFC 9113 §6.5: SETTINGS", settings_cases),
    "push_promise.json": ("RFC 9113 §6.6: PUSH_PROMISE", push_promise_cases),
    "ping.json": ("RFC 9113 §6.7: PING", ping_cases),
    "goaway.json": ("RFC 9113 §6.8: GOAWAY", goaway_cases),
    "window_update.json": ("RFC 9113 §6.9: WINDOW_UPDATE", window_update_cases),
    "continuation.json": ("RFC 9113 §6.10: CONTINUATION", continuation_cases),
    "priority_update.json": ("RFC 9218 §7.1: PRIORITY_UPDATE", priority_update_cases),
}


def main():
    total = 0
    for name, (description, build) in FILES.items():
        cases = build()
        names = [case["name"] for case in cases]
        assert len(names) == len(set(names)), f"duplicate case names in {name}"
        doc = {"description": description, "generator": "generate.py with hyperframe 6.1.0, seed 9113",
               "cases": cases}
        with open(os.path.join(HERE, name), "w") as out:
            json.dump(doc, out, indent=1, sort_keys=False)
            out.write("\n")
        total += len(cases)
        print(f"{name}: {len(cases)} cases")
    print(f"{total} cases")


if __name__ == "__main__":
    main()
