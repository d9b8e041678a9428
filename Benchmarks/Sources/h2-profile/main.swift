// The frame, engine and idle-stream loops alone (for callgrind, heap and RSS figures, and
// checks), without package-benchmark:
//   h2-profile check                          every benchmark's inputs and outputs verified
//   h2-profile engine|nio-engine [batches]    batches of 100 requests; CPU ns per request
//   h2-profile idle|nio-idle                  heap and RSS growth per idle stream (10,000)
//   h2-profile parse|nio-parse|write|nio-write KIND [chunk] [passes]
//                                             KIND: ping, window-update, rst-stream,
//                                             settings-ack, mixed, mixed-3, data
import Foundation
import H2BenchKit

func cpuNanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write((message + "\n").data(using: .utf8)!)
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
let mode = arguments.first ?? "check"

func kindArgument(_ index: Int) -> ControlKind? {
    guard arguments.count > index else { fail("missing KIND") }
    if arguments[index] == "data" { return nil }
    guard let kind = ControlKind(rawValue: arguments[index]) else { fail("unknown KIND \(arguments[index])") }
    return kind
}

do {
    switch mode {
    case "check":
        for kind in [nil] + ControlKind.allCases.map(Optional.some) {
            let name = kind?.rawValue ?? "data"
            let chunk = kind == nil ? FrameCorpus.dataChunk : FrameCorpus.controlChunk
            try OursFrameBench(kind: kind).verify()
            try OursFrameBench(kind: kind, chunk: chunk).verify()
            if kind != .settingsAck && kind != .mixed {
                try NIOFrameBench(kind: kind, write: false).verify()
                try NIOFrameBench(kind: kind, chunk: chunk, write: false).verify()
            }
            if kind != .mixed3 { try NIOFrameBench(kind: kind, write: true).verify() }
            print("frames \(name): ok")
        }
        try OursEngineBench().verify()
        try NIOEngineBench().verify()
        let request = RequestStream()
        print("engine: ok (request block \(request.firstBlock.count) octets first, \(request.steadyBlock.count) after; "
            + "batch \(request.batch.count) octets in)")
        let ours = OursIdleStreams()
        require(ours.openAll() == IdleStreams.streams)
        let nio = try NIOIdleStreams()
        let nioOpened = try nio.openAll()
        require(nioOpened == IdleStreams.streams)
        print("idle streams: ok")

    case "engine", "nio-engine":
        let batches = arguments.count > 1 ? Int(arguments[1]) ?? 2000 : 2000
        let batch: () throws -> Int
        if mode == "engine" {
            let bench = try OursEngineBench()
            batch = bench.batch
        } else {
            let bench = try NIOEngineBench()
            batch = bench.batch
        }
        for _ in 0..<min(batches, 50) { _ = try batch() }  // warm-up
        var requests = 0
        let start = cpuNanoseconds()
        for _ in 0..<batches { requests += try batch() }
        let elapsed = cpuNanoseconds() - start
        print("\(mode): \(batches) batches, \(requests) requests, "
            + String(format: "%.1f ns/request (CPU)", Double(elapsed) / Double(requests)))

    case "idle", "nio-idle":
        // Everything the streams do not need is built first; then heap and RSS are read
        // around the 10,000 requests alone.
        let opened: Int
        let heapBefore: Int, heapAfter: Int, rssBefore: Int, rssAfter: Int
        if mode == "idle" {
            let bench = OursIdleStreams()
            heapBefore = IdleStreams.heapInUse()
            rssBefore = IdleStreams.residentKiB()
            opened = bench.openAll()
            heapAfter = IdleStreams.heapInUse()
            rssAfter = IdleStreams.residentKiB()
            withExtendedLifetime(bench) {}
        } else {
            let bench = try NIOIdleStreams()
            heapBefore = IdleStreams.heapInUse()
            rssBefore = IdleStreams.residentKiB()
            opened = try bench.openAll()
            heapAfter = IdleStreams.heapInUse()
            rssAfter = IdleStreams.residentKiB()
            withExtendedLifetime(bench) {}
        }
        print("RESULT \(mode) streams=\(opened) heap_bytes_per_stream=\((heapAfter - heapBefore) / opened) "
            + "rss_bytes_per_stream=\((rssAfter - rssBefore) * 1024 / opened)")

    case "parse", "nio-parse", "write", "nio-write":
        let kind = kindArgument(1)
        let chunk = arguments.count > 2 ? Int(arguments[2]) : nil
        let passes = arguments.count > 3 ? Int(arguments[3]) ?? 200 : 200
        let pass: () throws -> (Int, Int)
        switch mode {
        case "parse":
            let bench = OursFrameBench(kind: kind, chunk: chunk == 0 ? nil : chunk)
            pass = { let r = try bench.parsePass(); return (r.frames, r.payloadBytes) }
        case "nio-parse":
            let bench = try NIOFrameBench(kind: kind, chunk: chunk == 0 ? nil : chunk, write: false)
            pass = { let r = try bench.parsePass(); return (r.frames, r.payloadBytes) }
        case "write":
            let bench = OursFrameBench(kind: kind)
            pass = { let r = bench.writePass(); return (r.frames, r.bytes) }
        default:
            let bench = try NIOFrameBench(kind: kind, write: true)
            pass = { let r = try bench.writePass(); return (r.frames, r.bytes) }
        }
        var frames = 0
        let start = cpuNanoseconds()
        for _ in 0..<passes { frames += try pass().0 }
        let elapsed = cpuNanoseconds() - start
        print("\(mode) \(arguments[1]): \(passes) passes, \(frames) frames, "
            + String(format: "%.2f M frames/s (CPU)", Double(frames) / Double(elapsed) * 1e3))

    default:
        fail("usage: h2-profile check | engine|nio-engine [batches] | idle|nio-idle | parse|nio-parse|write|nio-write KIND [chunk] [passes]")
    }
} catch {
    fail("h2-profile: \(error)")
}
