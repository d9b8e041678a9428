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

    /// `restoreDefaults()` resumes every task still in `wait()` with nil (they used to stay
    /// suspended for good), and a later `wait()` answers nil at once.
    @Test func stoppingResumesWaitersWithNil() async throws {
        let signals = ShutdownSignal(signals: [SIGUSR1])
        let outcome = Box<Int32??>(nil)
        Task { let number = await signals.wait(); outcome.update { $0 = .some(number) } }
        try await Task.sleep(nanoseconds: 100_000_000)   // it is waiting
        #expect(outcome.value == nil)
        signals.restoreDefaults()
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, outcome.value == nil { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(outcome.value == .some(nil))
        let later = await waitFor(signals, seconds: 1)
        #expect(later == nil)
    }

    /// A signal that came before `restoreDefaults()` is still the answer afterwards.
    @Test func aSignalBeforeStoppingIsKept() async throws {
        let signals = ShutdownSignal(signals: [SIGUSR2])
        kill(getpid(), SIGUSR2)
        let got = await waitFor(signals)
        signals.restoreDefaults()
        let again = await waitFor(signals, seconds: 1)
        #expect(got == SIGUSR2)
        #expect(again == SIGUSR2)
    }

    /// `run(until:)` ends with a graceful shutdown when its watcher is stopped: the open
    /// connection gets GOAWAY(NO_ERROR) and the port no longer accepts.
    @Test func runEndsWhenTheWatcherStops() async throws {
        let server = HTTP2Server(configuration: .plaintext(port: 0)) { _, response in
            try await response.respond(status: 204)
        }
        let port = try await server.start().port ?? 0
        let client = try await blocking { try H2TestClient(socket: try TestSocket(port: port)) }
        let signals = ShutdownSignal(signals: [SIGUSR1])
        let ended = Box<Bool>(false)
        Task { await server.run(until: signals); ended.update { $0 = true } }
        try await Task.sleep(nanoseconds: 100_000_000)
        #expect(!ended.value)
        signals.restoreDefaults()
        #expect(await eventually(timeout: 10) { ended.value })
        try await blocking { try client.readUntilClosed() }
        #expect(client.goAway?.1 == .noError)
        #expect(server.connectionCount == 0)
        let refused = await (try? blocking { try TestSocket(port: port) }) == nil
        #expect(refused)
    }
}
