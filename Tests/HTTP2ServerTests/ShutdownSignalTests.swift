import Foundation
@testable import HTTP2Server
import Testing

@Suite("ShutdownSignal", .serialized)
struct ShutdownSignalTests {
    /// `wait()`, or nil after `seconds` (the waiting task is left behind then: a task group
    /// would wait for it).
    func waitFor(_ signals: ShutdownSignal, seconds: Double = 5) async -> Int32? {
        let outcome = Box<Int32??>(nil)
        Task { let number = await signals.wait(); outcome.update { if $0 == nil { $0 = .some(number) } } }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let done = outcome.value { return done }
            try? await Task.sleep(nanoseconds: 10_000_000)
        }
        outcome.update { if $0 == nil { $0 = .some(nil) } }
        return outcome.value ?? nil
    }

    /// A signal sent right after creation (before Dispatch has had a chance to register
    /// anything) is not lost: the handler is installed synchronously.
    @Test func aSignalRightAfterCreationIsSeen() async throws {
        for _ in 0..<20 {
            let signals = ShutdownSignal(signals: [SIGUSR2])
            kill(getpid(), SIGUSR2)
            let got = await waitFor(signals)
            signals.restoreDefaults()
            #expect(got == SIGUSR2)
            if got == nil { break }
        }
    }

    /// Two tasks waiting on one ShutdownSignal (say `run(until:)` and the application's own
    /// wait) are both resumed; a second waiter used to replace the first, which then hung.
    @Test func everyWaiterOfOneWatcherIsResumed() async throws {
        let signals = ShutdownSignal(signals: [SIGUSR1])
        let first = Box<Int32?>(nil)
        let second = Box<Int32?>(nil)
        Task { let number = await signals.wait(); first.update { $0 = number } }
        Task { let number = await signals.wait(); second.update { $0 = number } }
        try await Task.sleep(nanoseconds: 100_000_000)   // both are waiting
        kill(getpid(), SIGUSR1)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, first.value == nil || second.value == nil {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        signals.restoreDefaults()
        #expect(first.value == SIGUSR1)
        #expect(second.value == SIGUSR1)
    }

    @Test func everyWatcherHearsItsSignals() async throws {
        let first = ShutdownSignal(signals: [SIGUSR1, SIGUSR2])
        let second = ShutdownSignal(signals: [SIGUSR2])
        kill(getpid(), SIGUSR1)
        let firstGot = await waitFor(first)
        let secondEarly = await waitFor(second, seconds: 0.3)
        #expect(firstGot == SIGUSR1)
        #expect(secondEarly == nil)   // not one it watches
        kill(getpid(), SIGUSR2)
        let secondGot = await waitFor(second)
        #expect(secondGot == SIGUSR2)
        first.restoreDefaults()
        second.restoreDefaults()
    }
}
