import Benchmark
import H2BenchKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The frame layer, the connection engine and memory per idle stream, ours against
// swift-nio-http2 1.46.0 (see ../../BENCHMARKS.md and Sources/H2BenchKit for what each one
// does). Names are "<operation> <input> <library>"; run.sh's summarize-h2.py reads them.
//
// One iteration is one pass: 10,000 control frames, or 64 DATA frames of 16 KiB (1 MiB of
// payload), or one batch of 100 requests, or 10,000 idle streams opened on a fresh server.
// Custom metrics are per thread CPU time, which a preempted pass does not inflate (the
// machine is shared): frames/s (CPU), MB/s (CPU) of DATA payload, ns/request (CPU).

func threadCPUNanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}

let framesPerCPUSecond = BenchmarkMetric.custom("frames/s (CPU)", polarity: .prefersLarger, useScalingFactor: false)
let megabytesPerCPUSecond = BenchmarkMetric.custom("MB/s (CPU)", polarity: .prefersLarger, useScalingFactor: false)
let nanosecondsPerRequest = BenchmarkMetric.custom("ns/request (CPU)", polarity: .prefersSmaller, useScalingFactor: false)

/// Each benchmark's pass, made (and checked) at its setup; benchmarks run one at a time.
nonisolated(unsafe) var passes: [String: () throws -> Int] = [:]

let benchmarks: @Sendable () -> Void = {
    let frameConfiguration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal, framesPerCPUSecond],
        warmupIterations: 10, scalingFactor: .one, maxDuration: .seconds(2), maxIterations: 100_000)
    let dataConfiguration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal, megabytesPerCPUSecond],
        warmupIterations: 10, scalingFactor: .one, maxDuration: .seconds(2), maxIterations: 100_000)
    let engineConfiguration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal, nanosecondsPerRequest],
        warmupIterations: 50, scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 1_000_000)
    let idleConfiguration = Benchmark.Configuration(
        metrics: [.throughput, .mallocCountTotal, .memoryLeakedBytes],
        warmupIterations: 1, scalingFactor: .one, maxDuration: .seconds(5), maxIterations: 15)

    /// A pass returning frames (control) or payload octets (DATA) and the metric to report.
    func register(_ name: String, _ configuration: Benchmark.Configuration, metric: BenchmarkMetric,
                  make: @escaping () throws -> () throws -> Int) {
        Benchmark(name, configuration: configuration, closure: { benchmark in
            let pass = passes[name]!
            var units = 0
            let start = threadCPUNanoseconds()
            for _ in benchmark.scaledIterations { units &+= try pass() }
            let elapsed = max(threadCPUNanoseconds() - start, 1)
            switch metric {
            case nanosecondsPerRequest: benchmark.measurement(metric, elapsed / max(units, 1))
            case megabytesPerCPUSecond: benchmark.measurement(metric, units * 1_000 / elapsed)
            default: benchmark.measurement(metric, units * 1_000_000_000 / elapsed)
            }
        }, setup: {
            if passes[name] == nil { passes[name] = try make() }
        })
    }

    let kinds = ControlKind.allCases
    let nioParseKinds: [ControlKind] = [.ping, .windowUpdate, .rstStream, .mixed3]
    let nioWriteKinds: [ControlKind] = [.ping, .windowUpdate, .rstStream, .settingsAck, .mixed]

    // MARK: Frames: parse (whole buffer, then in chunks), write.
    for kind in kinds {
        for chunk in [nil, FrameCorpus.controlChunk] {
            let op = chunk == nil ? "parse" : "parse-1KiB"
            register("\(op) \(kind.rawValue) ours", frameConfiguration, metric: framesPerCPUSecond) {
                let bench = OursFrameBench(kind: kind, chunk: chunk)
                try bench.verify()
                return { try bench.parsePass().frames }
            }
            guard nioParseKinds.contains(kind) else { continue }
            register("\(op) \(kind.rawValue) NIOHTTP2", frameConfiguration, metric: framesPerCPUSecond) {
                let bench = try NIOFrameBench(kind: kind, chunk: chunk, write: false)
                try bench.verify()
                // Frames of the corpus, including the RST_STREAMs NIO checks and drops.
                return { _ = try bench.parsePass(); return FrameCorpus.controlFrames }
            }
        }
    }
    for kind in kinds where kind != .mixed3 {
        register("write \(kind.rawValue) ours", frameConfiguration, metric: framesPerCPUSecond) {
            let bench = OursFrameBench(kind: kind)
            try bench.verify()
            return { bench.writePass().frames }
        }
        guard nioWriteKinds.contains(kind) else { continue }
        register("write \(kind.rawValue) NIOHTTP2", frameConfiguration, metric: framesPerCPUSecond) {
            let bench = try NIOFrameBench(kind: kind, write: true)
            try bench.verify()
            return { try bench.writePass().frames }
        }
    }

    // MARK: DATA: 64 frames of 16 KiB per pass; MB/s of payload.
    for chunk in [nil, FrameCorpus.dataChunk] {
        let op = chunk == nil ? "parse" : "parse-16KiB"
        register("\(op) data ours", dataConfiguration, metric: megabytesPerCPUSecond) {
            let bench = OursFrameBench(kind: nil, chunk: chunk)
            try bench.verify()
            return { _ = try bench.parsePass(); return FrameCorpus.dataPassBytes }
        }
        register("\(op) data NIOHTTP2", dataConfiguration, metric: megabytesPerCPUSecond) {
            let bench = try NIOFrameBench(kind: nil, chunk: chunk, write: false)
            try bench.verify()
            return { _ = try bench.parsePass(); return FrameCorpus.dataPassBytes }
        }
    }
    register("write data ours", dataConfiguration, metric: megabytesPerCPUSecond) {
        let bench = OursFrameBench(kind: nil)
        try bench.verify()
        return { _ = bench.writePass(); return FrameCorpus.dataPassBytes }
    }
    register("write data NIOHTTP2", dataConfiguration, metric: megabytesPerCPUSecond) {
        let bench = try NIOFrameBench(kind: nil, write: true)
        try bench.verify()
        return { _ = try bench.writePass(); return FrameCorpus.dataPassBytes }
    }

    // MARK: Engine: one batch of 100 requests per iteration.
    register("engine request ours", engineConfiguration, metric: nanosecondsPerRequest) {
        let bench = try OursEngineBench()
        try bench.verify()
        return { try bench.batch() }
    }
    register("engine request NIOHTTP2", engineConfiguration, metric: nanosecondsPerRequest) {
        let bench = try NIOEngineBench()
        try bench.verify()
        return { try bench.batch() }
    }

    // MARK: Idle streams: 10,000 opened on a fresh server per iteration; only the opening
    // is measured (memoryLeakedBytes = bytes requested and not freed in it).
    Benchmark("idle stream ours", configuration: idleConfiguration) { benchmark in
        let bench = OursIdleStreams()
        benchmark.startMeasurement()
        let opened = bench.openAll()
        benchmark.stopMeasurement()
        blackHole(opened)
        withExtendedLifetime(bench) {}
    }
    Benchmark("idle stream NIOHTTP2", configuration: idleConfiguration) { benchmark in
        let bench = try NIOIdleStreams()
        benchmark.startMeasurement()
        let opened = try bench.openAll()
        benchmark.stopMeasurement()
        blackHole(opened)
        _ = try? bench.server.channel.finish(acceptAlreadyClosed: true)
    }
}
