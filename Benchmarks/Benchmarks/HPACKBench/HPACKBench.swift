import Benchmark
import HPACKBenchKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// One benchmark iteration is one pass over the whole corpus (Benchmarks/corpus.txt): every
// story replayed once through a fresh decoder or encoder. So `throughput` is passes per
// second and `mallocCountTotal` is mallocs per pass; run.sh turns them into headers per
// second and mallocs per header block with the corpus totals, which setup prints.
//
// The custom metric `headers/s (CPU)` is the pass's header count over the CPU time this
// thread spent in it. On a shared machine a pass can be preempted, which stretches its wall
// clock time but not its CPU time; long passes (NIOHPACK's encode) are hit more often than
// short ones, so the wall clock figures of a busy machine are biased.
let headersPerCPUSecond = BenchmarkMetric.custom("headers/s (CPU)", polarity: .prefersLarger, useScalingFactor: false)

func threadCPUNanoseconds() -> Int {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return now.tv_sec * 1_000_000_000 + now.tv_nsec
}

/// Loaded once, at the first benchmark's setup; read-only afterwards but for the scratch
/// buffers of the pass being measured (benchmarks run one at a time).
nonisolated(unsafe) var kit: HPACKBenchKit?

func setUpKit() throws {
    guard kit == nil else { return }
    let loaded = try HPACKBenchKit.load()
    let report = try loaded.verify()
    kit = loaded
    print("corpus: \(loaded.corpus.stories.count) stories, \(loaded.blockCount) header blocks, "
        + "\(loaded.headerCount) headers, \(report.wireBytes) wire bytes; encoded by ours \(report.oursEncodedBytes) "
        + "bytes, by NIOHPACK \(report.nioEncodedBytes) bytes")
}

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal, headersPerCPUSecond],
        warmupIterations: 20,
        scalingFactor: .one,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    func register(_ name: String, _ pass: @escaping (HPACKBenchKit) throws -> Int) {
        Benchmark(name, configuration: configuration, closure: { benchmark in
            let kit = kit!
            var fields = 0
            let start = threadCPUNanoseconds()
            for _ in benchmark.scaledIterations {
                fields &+= try pass(kit)
            }
            let elapsed = threadCPUNanoseconds() - start
            blackHole(fields)
            benchmark.measurement(headersPerCPUSecond, fields * 1_000_000_000 / max(elapsed, 1))
        }, setup: { try setUpKit() })
    }

    register("decode ours") { try $0.oursDecodePass() }
    register("decode NIOHPACK") { try $0.nioDecodePass() }
    register("encode ours") { $0.oursEncodePass() }
    register("encode NIOHPACK") { try $0.nioEncodePass() }
}
