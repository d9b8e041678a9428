import Dispatch
import Synchronization

/// Something the pacer calls back when its deadline passes (on the pacer's queue).
public protocol PacerClient: AnyObject, Sendable {
    func pacerFired()
}

/// Wakes many streams with one timer: a binary heap of deadlines served by a single
/// Dispatch timer source, re-armed for the earliest one.
///
/// `Task.sleep` costs a timer source and a wake-up job per sleeper (several hundred
/// octets each, some kept until the deadline passes); with 10,000 streams waiting between
/// tokens, one shared heap is cheaper: a 24-octet entry per waiting client. Clients are
/// called back (`schedule`), or an async task sleeps (`sleep`, which ends at once with
/// `CancellationError` when the task is cancelled).
public final class Pacer: @unchecked Sendable {
    // @unchecked: `timer` is a Dispatch source, whose methods may be called from any
    // thread; every other stored property is immutable or behind the Mutex.
    /// Nanoseconds of the monotonic clock Dispatch uses (CLOCK_MONOTONIC on Linux).
    public static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "sse-server.pacer")
    private let timer: DispatchSourceTimer
    /// How late a wake-up may be, so the timer can coalesce.
    private let leeway: DispatchTimeInterval

    struct Entry {
        var deadline: UInt64
        var client: any PacerClient
    }

    struct State {
        var heap: [Entry] = []
        /// The deadline the timer is set for (`.max`: not set).
        var armedFor: UInt64 = .max
    }

    public init(leeway: DispatchTimeInterval = .microseconds(500)) {
        self.leeway = leeway
        timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .distantFuture, leeway: leeway)
        timer.setEventHandler { [weak self] in self?.fire() }
        timer.activate()
    }

    deinit {
        timer.cancel()
    }

    /// Waiting sleepers (cancelled ones stay in the heap until their deadline).
    public var count: Int { state.withLock { $0.heap.count } }

    /// Suspends until `deadline` (see `now()`); throws `CancellationError` when the task is
    /// cancelled before. (Not inlined: its locals would add to the caller's frame.)
    @inline(never)
    public func sleep(until deadline: UInt64) async throws {
        let sleeper = Sleeper()
        try await withTaskCancellationHandler {
            try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, Error>) in
                guard sleeper.wait(continuation) else { return }   // cancelled already
                schedule(sleeper, at: deadline)
            }
        } onCancel: {
            sleeper.cancel()
        }
    }

    /// Calls `client.pacerFired()` once `deadline` (see `now()`) has passed.
    public func schedule(_ client: any PacerClient, at deadline: UInt64) {
        state.withLock { state in
            state.heap.append(Entry(deadline: deadline, client: client))
            Self.siftUp(&state.heap, state.heap.count - 1)
            if deadline < state.armedFor {
                state.armedFor = deadline
                timer.schedule(deadline: DispatchTime(uptimeNanoseconds: deadline), leeway: leeway)
            }
        }
    }

    /// On the timer's queue: wakes every sleeper whose deadline passed, re-arms the timer.
    private func fire() {
        let now = Self.now()
        var due: [any PacerClient] = []
        state.withLock { state in
            while let first = state.heap.first, first.deadline <= now {
                due.append(first.client)
                Self.popFirst(&state.heap)
            }
            state.armedFor = state.heap.first?.deadline ?? .max
            timer.schedule(deadline: state.armedFor == .max ? .distantFuture : DispatchTime(uptimeNanoseconds: state.armedFor),
                           leeway: leeway)
        }
        for client in due { client.pacerFired() }
    }

    // MARK: Binary heap on `deadline`

    static func siftUp(_ heap: inout [Entry], _ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    static func popFirst(_ heap: inout [Entry]) {
        let last = heap.count - 1
        guard last > 0 else {
            heap.removeAll(keepingCapacity: true)
            return
        }
        heap.swapAt(0, last)
        heap.removeLast()
        var parent = 0
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            let right = left + 1
            let smaller = right < count && heap[right].deadline < heap[left].deadline ? right : left
            guard heap[smaller].deadline < heap[parent].deadline else { return }
            heap.swapAt(parent, smaller)
            parent = smaller
        }
    }
}

/// One sleep: resumed exactly once, by the timer or by cancellation, whichever is first.
final class Sleeper: PacerClient {
    private let phase = Mutex(Phase.idle)

    enum Phase {
        case idle
        case waiting(UnsafeContinuation<Void, Error>)
        case done
        case cancelled
    }

    /// Registers the continuation; false (and the continuation resumed with
    /// `CancellationError`) when the task was cancelled already.
    func wait(_ continuation: UnsafeContinuation<Void, Error>) -> Bool {
        let cancelled = phase.withLock { phase -> Bool in
            if case .cancelled = phase { return true }
            phase = .waiting(continuation)
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    func pacerFired() {
        let continuation = phase.withLock { phase -> UnsafeContinuation<Void, Error>? in
            guard case .waiting(let continuation) = phase else { return nil }
            phase = .done
            return continuation
        }
        continuation?.resume()
    }

    func cancel() {
        let continuation = phase.withLock { phase -> UnsafeContinuation<Void, Error>? in
            switch phase {
            case .idle:
                phase = .cancelled
                return nil
            case .waiting(let continuation):
                phase = .cancelled
                return continuation
            case .done, .cancelled:
                return nil
            }
        }
        continuation?.resume(throwing: CancellationError())
    }
}
