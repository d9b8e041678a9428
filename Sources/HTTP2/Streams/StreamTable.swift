/// The streams of a connection (RFC 9113 §5.1, §5.1.1, §5.1.2): the live ones, the ids
/// each side has used, and a bounded memory of recently closed streams.
struct StreamTable: Sendable {
    let role: Role
    /// Live records in slots (freed slots are reused), found through `index`.
    private var records: [StreamRecord] = []
    private var recordIDs: [StreamID] = []
    private var freeSlots: [Int32] = []
    private var index = StreamIDMap()
    /// The highest stream id the peer opened (or reserved for us, for pushes), and ours.
    private(set) var highestPeerStreamID: StreamID = 0
    private(set) var highestLocalStreamID: StreamID = 0
    /// Our next stream id (RFC 9113 §5.1.1: clients odd, servers even).
    private(set) var nextLocalStreamID: UInt32
    /// Streams in "open" or "half-closed" that each side initiated (RFC 9113 §5.1.2).
    private(set) var activePeerInitiated = 0
    private(set) var activeLocallyInitiated = 0

    /// Recently closed streams and how (the map's value is the state), oldest evicted first.
    private var closedStates = StreamIDMap()
    private var closedOrder: [StreamID] = []
    private var closedOrderHead = 0
    private let closedMemory: Int

    init(role: Role, closedMemory: Int) {
        self.role = role
        self.nextLocalStreamID = role == .client ? 1 : 2
        self.closedMemory = max(1, closedMemory)
    }

    /// Whether the peer opens streams with this id's parity (§5.1.1).
    func isPeerInitiated(_ id: StreamID) -> Bool {
        role == .server ? id.isClientInitiated : id.isServerInitiated
    }

    var liveCount: Int { index.count }

    subscript(id: StreamID) -> StreamRecord? {
        get {
            guard let slot = index.value(for: id.rawValue) else { return nil }
            return records[Int(slot)]
        }
        set {
            if let slot = index.value(for: id.rawValue) {
                if let newValue {
                    records[Int(slot)] = newValue
                } else {
                    release(id, slot: slot)
                }
            } else if let newValue {
                add(id, newValue)
            }
        }
    }

    /// Changes a live record in place (no copy); nil when the stream is not live.
    @inline(__always)
    @discardableResult
    mutating func update<R>(_ id: StreamID, _ body: (inout StreamRecord) -> R) -> R? {
        guard let slot = index.value(for: id.rawValue) else { return nil }
        return body(&records[Int(slot)])
    }

    private mutating func add(_ id: StreamID, _ record: consuming StreamRecord) {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            records[Int(slot)] = record
            recordIDs[Int(slot)] = id
        } else {
            slot = Int32(records.count)
            records.append(record)
            recordIDs.append(id)
        }
        index.set(slot, for: id.rawValue)
    }

    private mutating func release(_ id: StreamID, slot: Int32) {
        index.remove(id.rawValue)
        // Keep the slot's memory small while free: drop its buffers.
        records[Int(slot)].outbound = OutboundBuffer()
        freeSlots.append(slot)
    }

    /// The state of a stream we do not hold: idle if its id was never used, closed if it
    /// was (and how, when remembered). §5.1.1: using an id closes every idle stream below.
    func stateOfUnknown(_ id: StreamID) -> StreamState {
        if let closed = closedStates.value(for: id.rawValue) { return StreamState(rawValue: UInt8(closed)) ?? .closed }
        let highest = isPeerInitiated(id) ? highestPeerStreamID : highestLocalStreamID
        return id > highest ? .idle : .closed
    }

    /// Whether a closed stream is still in the bounded memory of closed streams.
    func isRemembered(_ id: StreamID) -> Bool { closedStates.value(for: id.rawValue) != nil }

    /// Whether the peer opening `id` respects §5.1.1 (greater than all it used before).
    func isNewPeerStream(_ id: StreamID) -> Bool {
        isPeerInitiated(id) && id > highestPeerStreamID
    }

    /// Takes the next id of ours, or nil when they are exhausted (§5.1.1).
    mutating func allocateLocalStreamID() -> StreamID? {
        guard nextLocalStreamID <= StreamID.max.rawValue else { return nil }
        let id = StreamID(nextLocalStreamID)
        nextLocalStreamID += 2
        return id
    }

    /// Adds a stream the peer opened or reserved, or one we open.
    mutating func insert(_ id: StreamID, _ record: consuming StreamRecord) {
        if isPeerInitiated(id) {
            highestPeerStreamID = max(highestPeerStreamID, id)
        } else {
            highestLocalStreamID = max(highestLocalStreamID, id)
        }
        let active = record.state.isActive
        // Straight into its slot: no optional wrapping, no copy through `subscript`.
        if let slot = index.value(for: id.rawValue) {
            records[Int(slot)] = record
        } else {
            add(id, record)
        }
        if active { countActive(id, by: 1) }
    }

    /// Records a state change, keeping the active counts (§5.1.2) and moving closed
    /// streams to the bounded closed memory.
    mutating func setState(_ id: StreamID, _ state: StreamState) {
        guard let slot = index.value(for: id.rawValue) else { return }
        let old = records[Int(slot)].state
        guard old != state else { return }
        if old.isActive != state.isActive { countActive(id, by: state.isActive ? 1 : -1) }
        if state.isClosed {
            release(id, slot: slot)
            remember(id, state)
        } else {
            records[Int(slot)].state = state
        }
    }

    /// Notes that an id of the peer's was used without creating a stream (a refused or
    /// ignored stream): later frames on it find it closed.
    mutating func markPeerStreamUsed(_ id: StreamID, closedAs state: StreamState) {
        highestPeerStreamID = max(highestPeerStreamID, id)
        remember(id, state)
    }

    private mutating func countActive(_ id: StreamID, by delta: Int) {
        if isPeerInitiated(id) { activePeerInitiated += delta } else { activeLocallyInitiated += delta }
    }

    private mutating func remember(_ id: StreamID, _ state: StreamState) {
        if closedStates.value(for: id.rawValue) != nil {
            closedStates.set(Int32(state.rawValue), for: id.rawValue)
            return
        }
        if closedOrder.count < closedMemory {
            closedOrder.append(id)
        } else {
            closedStates.remove(closedOrder[closedOrderHead].rawValue)
            closedOrder[closedOrderHead] = id
            closedOrderHead = (closedOrderHead + 1) % closedMemory
        }
        closedStates.set(Int32(state.rawValue), for: id.rawValue)
    }

    /// Every live stream id, for sweeping (SETTINGS changes, GOAWAY).
    var liveIDs: [StreamID] { index.allKeys.map { StreamID($0) } }
}
