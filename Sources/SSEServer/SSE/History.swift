import Synchronization

/// One generated answer (a "session"): its generator and the last events it produced,
/// so a client that reconnects with `Last-Event-ID` gets what it missed and then the rest
/// of the same answer. The history is a ring of token indices (two octets an event; the
/// event ids are implied by the sequence), so it stays small with thousands of streams.
public final class SessionHistory: Sendable {
    public let session: UInt64
    /// The stream key (`?id=`) the session was made for.
    public let key: String
    private let state: Mutex<State>

    struct State {
        var generator: TokenGenerator
        /// The sequence number of the last event produced (0: none yet).
        var lastSequence: UInt64 = 0
        /// The tokens of events `lastSequence - count + 1 ... lastSequence`, oldest at `head`.
        var ring: [UInt16] = []
        var head = 0
        let capacity: Int
    }

    public init(session: UInt64, key: String, seed: UInt64, capacity: Int) {
        self.session = session
        self.key = key
        self.state = Mutex(State(generator: TokenGenerator(seed: seed), capacity: max(1, capacity)))
    }

    /// Makes the next event: its sequence number and token, remembered in the ring.
    public func advance() -> (sequence: UInt64, token: UInt16) {
        state.withLock { state in
            let token = state.generator.next()
            state.lastSequence += 1
            if state.ring.count < state.capacity {
                state.ring.append(token)
            } else {
                state.ring[state.head] = token
                state.head = (state.head + 1) % state.capacity
            }
            return (state.lastSequence, token)
        }
    }

    /// What a client that last saw event `sequence` missed, oldest first, as far as the ring
    /// still holds it; `gap` is true when older events it missed are gone.
    public func replay(after sequence: UInt64) -> (events: [(sequence: UInt64, token: UInt16)], gap: Bool) {
        state.withLock { state in
            let count = UInt64(state.ring.count)
            let oldest = state.lastSequence - count + 1   // the ring holds oldest...lastSequence
            guard sequence < state.lastSequence else { return ([], false) }
            let first = max(sequence + 1, oldest)
            var events: [(UInt64, UInt16)] = []
            events.reserveCapacity(Int(state.lastSequence - first + 1))
            for number in first...state.lastSequence {
                let offset = Int(number - oldest)
                events.append((number, state.ring[(state.head + offset) % state.ring.count]))
            }
            return (events, first > sequence + 1)
        }
    }

    public var lastSequence: UInt64 { state.withLock { $0.lastSequence } }
}

/// Every session's history, bounded: beyond `capacity` sessions the oldest is forgotten
/// (a stream still running keeps its own reference; only a later resume of it starts a new
/// answer). Session numbers start at a random value, so an id from an earlier run of the
/// server is not mistaken for a session of this one.
public final class HistoryStore: Sendable {
    public let capacity: Int
    public let eventsPerSession: Int
    private let state: Mutex<State>

    struct State {
        var sessions: [UInt64: SessionHistory] = [:]
        /// Session numbers in order of creation, for eviction (`order[start...]` is live).
        var order: [UInt64] = []
        var start = 0
        var next: UInt64
    }

    public init(capacity: Int = 50_000, eventsPerSession: Int = 64,
                firstSession: UInt64 = UInt64.random(in: 1...(1 << 40))) {
        self.capacity = max(1, capacity)
        self.eventsPerSession = max(1, eventsPerSession)
        self.state = Mutex(State(next: firstSession))
    }

    /// How a stream starts.
    public enum Start: Sendable {
        /// A new answer.
        case fresh(SessionHistory)
        /// A known session, with the events the client missed (`gap`: some are gone).
        case resumed(SessionHistory, replay: [(sequence: UInt64, token: UInt16)], gap: Bool)
    }

    /// The session for a request: the one `lastEventID` names when it is still known,
    /// otherwise a new one for `key`.
    public func start(key: String, lastEventID: EventID?) -> Start {
        if let lastEventID, let known = session(lastEventID.session) {
            let (events, gap) = known.replay(after: lastEventID.sequence)
            return .resumed(known, replay: events, gap: gap)
        }
        return .fresh(makeSession(key: key))
    }

    public func session(_ number: UInt64) -> SessionHistory? {
        state.withLock { $0.sessions[number] }
    }

    public func makeSession(key: String) -> SessionHistory {
        state.withLock { state in
            let number = state.next
            state.next &+= 1
            let history = SessionHistory(session: number, key: key, seed: TokenGenerator.seed(for: key) ^ number,
                                         capacity: eventsPerSession)
            state.sessions[number] = history
            state.order.append(number)
            while state.sessions.count > capacity, state.start < state.order.count {
                state.sessions[state.order[state.start]] = nil
                state.start += 1
            }
            // Compact the order list once half of it is dead.
            if state.start > 1024 && state.start * 2 > state.order.count {
                state.order.removeFirst(state.start)
                state.start = 0
            }
            return history
        }
    }

    public var count: Int { state.withLock { $0.sessions.count } }
}
