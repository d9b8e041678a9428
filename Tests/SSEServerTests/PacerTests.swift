import Synchronization
import Testing
@testable import SSEServer

/// Records the order in which the pacer called its clients back.
final class Recorder: Sendable {
    let fired = Mutex<[Int]>([])
}

final class TestClient: PacerClient {
    let number: Int
    let recorder: Recorder
    init(_ number: Int, _ recorder: Recorder) {
        self.number = number
        self.recorder = recorder
    }
    func pacerFired() { recorder.fired.withLock { $0.append(number) } }
}

@Suite("Pacer: one timer heap for every stream")
struct PacerTests {
    @Test("clients are called back in deadline order, whatever the order they were scheduled in")
    func order() async throws {
        let pacer = Pacer()
        let recorder = Recorder()
        let now = Pacer.now()
        for (number, delay) in [(3, 60), (1, 20), (2, 40), (0, 0)] {
            pacer.schedule(TestClient(number, recorder), at: now + UInt64(delay) * 1_000_000)
        }
        let deadline = ContinuousClock.now + .seconds(5)
        while recorder.fired.withLock({ $0.count }) < 4 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(recorder.fired.withLock { $0 } == [0, 1, 2, 3])
        #expect(pacer.count == 0)
    }

    @Test("a sleep ends at its deadline, not before")
    func sleeps() async throws {
        let pacer = Pacer()
        let start = Pacer.now()
        try await pacer.sleep(until: start + 30_000_000)
        #expect(Pacer.now() >= start + 30_000_000)
    }

    @Test("cancelling a sleeping task ends the sleep at once with CancellationError")
    func cancellation() async throws {
        let pacer = Pacer()
        let start = ContinuousClock.now
        let sleeper = Task { try await pacer.sleep(until: Pacer.now() + 60_000_000_000) }
        try await Task.sleep(for: .milliseconds(20))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(ContinuousClock.now - start < .seconds(5))
        // Cancelled before it started to wait: it does not wait at all.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await pacer.sleep(until: Pacer.now() + 60_000_000_000)
        }
        await #expect(throws: CancellationError.self) { try await early.value }
    }
}
