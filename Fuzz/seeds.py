#!/usr/bin/env python3
"""Writes seed inputs for one fuzz target from the test vectors in Vectors/.

Usage: python3 Fuzz/seeds.py TARGET OUT_DIR      (from anywhere; paths are found from this file)

Each target reads its input in its own layout (see the comment at the top of its source),
so each has a writer here; a target with no writer gets no seeds (exit 0, nothing written).
To add one, add a function to WRITERS. Seeds are capped at about 4 KB so libFuzzer keeps
its default input size small.
"""
import glob
import hashlib
import json
import os
import sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(os.path.dirname(FUZZ), "Vectors")
SEED_LIMIT = 4096

# Must match the lists in the Swift targets.
TABLE_SIZES = [0, 1, 31, 32, 33, 64, 100, 128, 256, 300, 512, 1024, 2048, 4096, 8192, 65536]
BUDGETS = [0, 1, 32, 33, 40, 64, 100, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536]
DIFFERENTIAL_BUDGETS = [1 << 20, 0, 32, 40, 64, 100, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 65536, 300]


def octets(text):
    """Vector strings are ISO-8859-1 (one code point per octet); UTF-8 for anything above."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8")


def nearest(values, wanted):
    """Index of the largest value <= wanted (or of the smallest value)."""
    best = 0
    for index, value in enumerate(values):
        if value <= wanted:
            best = index
    return best


def stories():
    for path in sorted(glob.glob(os.path.join(VECTORS, "hpack", "**", "*.json"), recursive=True)):
        with open(path, encoding="utf-8") as handle:
            story = json.load(handle)
        name = os.path.relpath(path, os.path.join(VECTORS, "hpack"))
        yield name, story.get("cases", [])


def hpack_decode(write):
    """fuzz-hpack-decode: [setup] then [control][len hi][len lo][block] per case."""
    for name, cases in stories():
        if not cases:
            continue
        limit = cases[0].get("header_table_size", 4096)
        # No practical budget; 256 bytes; and budgets at the list's edges (control bits 6-7).
        for budget_index, edges in ((15, False), (8, False), (15, True)):
            out = bytearray([budget_index << 4 | nearest(TABLE_SIZES, limit)])
            current_limit = limit
            for number, case in enumerate(cases):
                wire = bytes.fromhex(case["wire"])
                if len(out) + len(wire) > SEED_LIMIT and len(out) > 1:
                    break
                budget = case.get("max_header_list_size")
                if budget is not None and budget_index == 15:
                    # An empty block that only sets the budget for this case.
                    out += bytes([2 | nearest(BUDGETS, budget) << 2, 0, 0])
                control = 0
                new_limit = case.get("header_table_size", current_limit)
                if new_limit != current_limit:
                    control = 1 | nearest(TABLE_SIZES, new_limit) << 2
                    current_limit = new_limit
                elif edges:
                    control = (number % 16) << 2
                if edges:
                    control |= (1 + number % 3) << 6
                out += bytes([control, len(wire) >> 8 & 0xff, len(wire) & 0xff]) + wire
            write(name + ("-edges" if edges else "-budget%d" % BUDGETS[budget_index]), bytes(out))


def hpack_roundtrip(write):
    """fuzz-hpack-roundtrip: the vectors' header lists as field specs (see the target)."""
    sensitive = {b"authorization", b"proxy-authorization", b"cookie", b"set-cookie"}
    for name, cases in stories():
        lists = [case["headers"] for case in cases if "headers" in case]
        if not lists:
            continue
        limit = cases[0].get("header_table_size", 4096)
        plain = "plain" in name
        setup = nearest(TABLE_SIZES, limit) | (0x10 if plain else 0) | (0x20 if "rfc7541" in name else 0)
        out = bytearray([setup])
        current_limit = limit
        serial = 0
        for case in cases:
            if "headers" not in case:
                break
            fields = []
            for pair in case["headers"]:
                ((field_name, field_value),) = pair.items()
                field_name, field_value = octets(field_name), octets(field_value)
                serial += 1
                indexing = 2 if field_name in sensitive else (1 if serial % 7 == 0 else 0)
                spec = bytearray()
                for source_shift, data in ((2, field_name), (4, field_value)):
                    if len(data) < 256:
                        spec += bytes([len(data)]) + data
                    else:
                        indexing |= 3 << source_shift
                        spec += bytes([len(data) >> 8 & 0xff, len(data) & 0xff]) + data[:0xffff]
                fields.append(bytes([indexing]) + bytes(spec))
            changes = []
            new_limit = case.get("header_table_size", current_limit)
            if new_limit != current_limit:
                changes.append(nearest(TABLE_SIZES, new_limit))
                current_limit = new_limit
            block = bytearray()
            for start in range(0, max(len(fields), 1), 63):
                chunk = fields[start:start + 63]
                head = len(chunk) << 2 | (len(changes) if start == 0 else 0)
                block += bytes([head]) + (bytes(changes) if start == 0 else b"") + b"".join(chunk)
            if len(out) + len(block) > SEED_LIMIT and len(out) > 1:
                break
            out += block
        write(name, bytes(out))


# Must match the lists in fuzz-frame-reader and EngineHarness.
READER_MAX_FRAME_SIZES = [16384, 16384, 16385, 20000, 65535, 1 << 20, 16777215, 16384]
ENGINE_CONNECTION_WINDOWS = [1 << 20, 65535, 200000, 16 << 20]
ENGINE_BODY_SIZES = [0, 100, 20000, 70000]
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame_cases():
    """(file name, case) for every case of Vectors/frames/*.json."""
    for path in sorted(glob.glob(os.path.join(VECTORS, "frames", "*.json"))):
        with open(path, encoding="utf-8") as handle:
            cases = json.load(handle).get("cases", [])
        for case in cases:
            yield os.path.basename(path), case


def conformance_cases():
    """(file name, case) for every case of Vectors/conformance/*.json, if present."""
    for path in sorted(glob.glob(os.path.join(VECTORS, "conformance", "*.json"))):
        with open(path, encoding="utf-8") as handle:
            cases = json.load(handle).get("cases", [])
        for case in cases:
            yield os.path.basename(path), case


def frame_reader(write):
    """fuzz-frame-reader: [setup] [7 chunk codes] then each case's wire, twice (in one
    call; in small mixed chunks with a copy of the reader after its first frame); and per
    file the error-free wires one after the other."""
    runs = {}
    for name, case in frame_cases():
        wire = bytes.fromhex(case["wire"])
        size = nearest(READER_MAX_FRAME_SIZES, case.get("max_frame_size", 16384))
        label = "%s-%s" % (name, case["name"].replace(" ", "_").replace("/", "_"))
        write(label + "-whole", bytes([size] + [0xff] * 7) + wire[:SEED_LIMIT])
        write(label + "-chunks", bytes([size | 1 << 3, 3, 9, 1, 0xf0, 5, 0, 17]) + wire[:SEED_LIMIT])
        if "error" not in case and size == 0:
            runs.setdefault(name, bytearray())
            if len(runs[name]) + len(wire) <= SEED_LIMIT:
                runs[name] += wire
    for name, wires in runs.items():
        write(name + "-all", bytes([0x80 | 2 << 3, 7, 1, 30, 2, 0xf1, 4, 11]) + bytes(wires))


def engine_options(case):
    """The harness options octet closest to a conformance case's server options."""
    options = 0
    config = case.get("server_config", {})
    if config.get("returns_credit_automatically") is False:
        options |= 1
    if "connection_window" in config:
        options |= nearest(ENGINE_CONNECTION_WINDOWS, config["connection_window"]) << 4
    body = case.get("response_body_length", 2)
    options |= min(range(4), key=lambda index: abs(ENGINE_BODY_SIZES[index] - body)) << 6
    return options


def server_engine(write):
    """fuzz-server-engine: each conformance case's "send" steps one after the other (they
    start with the preface: flags bit 0, the harness sends none), in one chunk and in mixed
    chunks; and each frame vector's wire after the harness's preface and SETTINGS."""
    for name, case in conformance_cases():
        stream = b"".join(bytes.fromhex(step["send"]) for step in case.get("steps", []) if "send" in step)
        label = "%s-%s" % (name, case.get("id", "?").replace("/", "_"))
        flags = 1 | (0x80 if case.get("server_settings", {}).get("enable_connect_protocol") else 0)
        head = bytes([engine_options(case), flags])
        write(label + "-whole", head + bytes([0x1f] * 6) + stream[:SEED_LIMIT])
        write(label + "-chunks", head + bytes([0x1b, 0x02, 0x11, 0x25, 0x0a, 0x1f]) + stream[:SEED_LIMIT])
    for name, case in frame_cases():
        if case.get("max_frame_size", 16384) != 16384:
            continue
        label = "frames-%s-%s" % (name, case["name"].replace(" ", "_").replace("/", "_"))
        write(label, bytes([0x40, 0, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f, 0x1f]) + bytes.fromhex(case["wire"])[:SEED_LIMIT])


# fuzz-frame-sequence programs (see the op list at the top of FuzzFrameSequence.swift):
# [options] [flags] [client settings] then ops.
SEQUENCES = {
    "get": [0x40, 0, 0, 0x80, 0x08, 0x00],
    "post-data": [0x40, 0, 0, 0x90, 0x00, 0x02, 0x81, 0x48],
    "ten-streams-large-bodies": [0xc0, 0, 0] + [0x80, 0x08, 0x00] * 10 + [0x84, 0x3c, 0x84, 0x38, 0x8d, 0x03],
    "continuation": [0x40, 0, 0, 0x80, 0x48, 0x00, 0x03],
    "client-window-0": [0x80, 0, 0x01, 0x80, 0x08, 0x00, 0x84, 0x38, 0x84, 0x3c, 0x8d, 0x01],
    "control-frames": [0x40, 0, 0, 0x80, 0x00, 0x00, 0x86, 0x2a, 0xc5, 0x03, 0x09, 0x04, 0x0a,
                       0x83, 0x40, 0x87, 0x00, 0x00],
    "trailers": [0x40, 0x10, 0, 0x90, 0x00, 0x00, 0x82, 0x00],
    "priority-padding": [0x40, 0, 0, 0x80, 0x38, 0x00, 0x05, 0x08, 0x0f],
    "data-burst": [0x00, 0, 0, 0xa0, 0x00, 0x00, 0xcf, 0x20],
    "graceful-shutdown-pings": [0x40, 0x60, 0, 0x80, 0x08, 0x00, 0x8d, 0x01, 0x80, 0x08, 0x00, 0x8d, 0x01,
                                0x80, 0x08, 0x00, 0x8d, 0x01, 0x96, 0x01],
}


def frame_sequence(write):
    """fuzz-frame-sequence: a few hand-written programs (no vectors fit its layout)."""
    for name, program in SEQUENCES.items():
        write(name, bytes(program))


def hpack_differential(write):
    """fuzz-hpack-differential: every story as raw blocks ([setup] [options] then
    [control][len hi][len lo][block], limit changes as control 1) and as a vector story
    ([0x80] [options] [story hi] [story lo] then [split][raise] per case), with and
    without re-encoding and splits. Story numbers follow the sorted relative paths, as the
    target sorts them."""
    names = sorted(name for name, _ in stories())
    all_stories = dict(stories())
    for number, name in enumerate(names):
        cases = all_stories[name]
        if not cases:
            continue
        limit = cases[0].get("header_table_size", 4096)
        options = 0x80 | (number % 4) | (number % 2) << 2 | (15 - number % 3) << 3
        out = bytearray([nearest(TABLE_SIZES, limit), options])
        current = limit
        for case in cases:
            wire = bytes.fromhex(case["wire"])
            if len(out) + len(wire) > SEED_LIMIT and len(out) > 2:
                break
            control = 0
            new_limit = case.get("header_table_size", current)
            if new_limit != current:
                control = 1 | nearest(TABLE_SIZES, new_limit) << 2
                current = new_limit
            budget = case.get("max_header_list_size")
            if budget is not None:
                out += bytes([3 | nearest(DIFFERENTIAL_BUDGETS, budget) << 2, 0, 0])
            out += bytes([control, len(wire) >> 8 & 0xff, len(wire) & 0xff]) + wire
        write(name + "-raw", bytes(out))
        for split, raise_, opts in ((0, 0, 0), (1, 0x8f, options), (2, 0x8d, 0x80)):
            story = bytearray([0x80, opts, number >> 8, number & 0xff])
            for _ in cases:
                story += bytes([split, raise_])
            write(name + "-story-split%d" % split, bytes(story))


HTTP1_REQUESTS = [
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /static/a.txt HTTP/1.1\r\nHost: a\r\n\r\nHEAD /static/dir/ HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /body HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /body HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    b"GET /stream HTTP/1.1\r\nHost: a\r\n\r\nGET /fail HTTP/1.1\r\nHost: a\r\n\r\n"
    b"GET /late-fail HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /none HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    b"GET /big HTTP/1.0\r\n\r\n",
    b"GET /inline HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
    b"HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n",
    b"GET /static/../../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\nGET /static/out HTTP/1.1\r\nHost: a\r\n\r\n",
]


def h2_request(stream_id, path, end_stream=True, method=b"GET"):
    """A HEADERS frame (END_HEADERS) of a request for `path`, literal fields without
    indexing (RFC 7541 §6.2.2), so that each frame decodes on its own."""
    block = bytearray()
    for name, value in ((b":method", method), (b":scheme", b"http"), (b":path", path.encode()),
                        (b":authority", b"a")):
        block += bytes([0x00, len(name)]) + name + bytes([len(value)]) + value
    flags = 0x04 | (0x01 if end_stream else 0)
    return len(block).to_bytes(3, "big") + bytes([0x01, flags]) + stream_id.to_bytes(4, "big") + bytes(block)


def server_channel(write):
    """fuzz-server-channel: [control] [4 chunk codes] then the client's bytes: the "send"
    steps of each conformance case (h2 with prior knowledge), h2 requests for every route,
    HTTP/1.1 requests, and garbage."""
    chunkings = ((0, [0x7f, 0x7f, 0x7f, 0x7f]), (1, [0x09, 0x01, 0x18, 0x03]), (2, [0xff, 0xff, 0xff, 0xff]))
    for name, case in conformance_cases():
        stream = b"".join(bytes.fromhex(step["send"]) for step in case.get("steps", []) if "send" in step)
        if not stream.startswith(PREFACE):
            continue
        label = "%s-%s" % (name, case.get("id", "?").replace("/", "_"))
        control, sizes = chunkings[len(stream) % 3]
        write(label, bytes([control] + sizes) + stream[:SEED_LIMIT])
    settings = b"\x00\x00\x00\x04\x00\x00\x00\x00\x00"
    settings_ack = b"\x00\x00\x00\x04\x01\x00\x00\x00\x00"
    paths = ["/", "/inline", "/inline-empty", "/stream", "/big", "/fail", "/late-fail", "/none",
             "/static/a.txt", "/static/dir/", "/static/out", "/static/empty.css", "/static/missing"]
    everything = PREFACE + settings + settings_ack
    for number, path in enumerate(paths):
        everything += h2_request(1 + 2 * number, path)
    body = h2_request(41, "/body", end_stream=False, method=b"POST") + \
        b"\x00\x00\x05\x00\x01\x00\x00\x00\x29hello"
    for control, sizes in chunkings:
        write("h2-routes-%d" % control, bytes([control] + sizes) + everything + body)
    # A small connection window (SETTINGS_INITIAL_WINDOW_SIZE 16) and /big: the handler waits.
    small = b"\x00\x00\x06\x04\x00\x00\x00\x00\x00\x00\x04\x00\x00\x00\x10"
    write("h2-big-small-window", bytes([1, 0x7f, 0x7f, 0x7f, 0x7f]) + PREFACE + small + h2_request(1, "/big"))
    for number, request in enumerate(HTTP1_REQUESTS):
        control, sizes = chunkings[number % 3]
        write("http1-%d" % number, bytes([control | (4 if number % 2 else 0)] + sizes) + request)
    write("garbage", bytes([3, 1, 2, 3, 4]) + bytes(range(256)))
    write("preface-only", bytes([2, 0x7f, 0x7f, 0x7f, 0x7f]) + PREFACE)
    write("partial-preface", bytes([2, 1, 1, 1, 1]) + PREFACE[:10])


WRITERS = {
    "fuzz-hpack-differential": hpack_differential,
    "fuzz-server-channel": server_channel,
    "fuzz-hpack-decode": hpack_decode,
    "fuzz-hpack-roundtrip": hpack_roundtrip,
    "fuzz-frame-reader": frame_reader,
    "fuzz-server-engine": server_engine,
    "fuzz-frame-sequence": frame_sequence,
}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    target, out_dir = sys.argv[1], sys.argv[2]
    writer = WRITERS.get(target)
    if writer is None:
        print("%s: no seed writer in Fuzz/seeds.py" % target)
        return
    os.makedirs(out_dir, exist_ok=True)
    count = 0

    def write(label, data):
        nonlocal count
        digest = hashlib.sha1(data).hexdigest()[:12]
        safe = label.replace(os.sep, "_").replace(".json", "")
        with open(os.path.join(out_dir, "%s-%s" % (safe, digest)), "wb") as handle:
            handle.write(data)
        count += 1

    writer(write)
    print("%s: %d seeds in %s" % (target, count, out_dir))


if __name__ == "__main__":
    main()
