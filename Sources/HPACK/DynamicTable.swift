/// RFC 7541 §2.3.2 and §4: the dynamic table, a FIFO of fields evicted by size.
///
/// Entries sit in a ring of descriptors (newest at the back); their bytes (name then value,
/// contiguous) sit in one byte store that is appended to and compacted now and then, so
/// inserting or evicting never allocates per entry. For the encoder the table also keeps
/// hash chains (newest first), which need no removal on eviction: a chain walk stops at
/// the first id older than the oldest live entry.
struct DynamicTable {
    struct Entry {
        var offset: Int       // absolute offset of the name in the byte store
        var nameLength: Int
        var valueLength: Int
        var nameHash: UInt64
        var pairHash: UInt64
        var nextSameName: Int  // id of the next older entry in the name chain, or -1
        var nextSamePair: Int  // id of the next older entry in the (name, value) chain, or -1
        /// Decoder: a field list holding this entry passed the RFC 9113 §8.2.1 syntax checks
        /// (`HPACKDecoder.markChecked`). Every insertion writes a new entry with false, so a
        /// reused ring position never inherits the flag of the entry it replaces.
        var checked = false
        var size: Int { nameLength + valueLength + 32 }  // RFC 7541 §4.1
    }

    /// RFC 7541 §4.1: the sum of the entries' sizes.
    private(set) var size = 0
    /// The current maximum size (§4.2), as last set by a size update.
    private(set) var maxSize: Int
    /// Whether the encoder's hash chains are kept.
    let indexed: Bool

    private var ring: [Entry] = []
    private var ringHead = 0        // position of the oldest entry
    private(set) var count = 0
    /// Id of the next entry inserted; ids grow by one per insertion and are never reused.
    private(set) var nextID = 0

    private var bytes: [UInt8] = []
    private var bytesBase = 0        // absolute offset of bytes[0]

    private var nameBuckets: [Int] = []
    private var pairBuckets: [Int] = []

    init(maxSize: Int, indexed: Bool = false) {
        self.maxSize = maxSize
        self.indexed = indexed
    }

    var oldestID: Int { nextID - count }

    /// RFC 7541 §4.3: a new maximum evicts from the end until the size fits.
    mutating func setMaxSize(_ newValue: Int) {
        maxSize = newValue
        while size > maxSize { evictOldest() }
        compactIfWorthIt()
    }

    /// RFC 7541 §4.4: what adding an entry larger than the maximum does.
    mutating func evictAll() {
        while count > 0 { evictOldest() }
        compactIfWorthIt()
    }

    /// The entry with HPACK dynamic index `index` (1 is the newest), or nil.
    @inline(__always)
    func entry(index: Int) -> Entry? {
        guard index >= 1, index <= count else { return nil }
        return ring[(ringHead + count - index) & (ring.count - 1)]
    }

    /// The id of the entry with HPACK dynamic index `index` (valid when `entry(index:)` is not nil).
    @inline(__always)
    func id(ofIndex index: Int) -> Int { nextID - index }

    /// Marks the live entry `id` as checked (see `Entry.checked`) if it is still in the
    /// table and has the given lengths; an evicted id is ignored (ids are never reused).
    mutating func markChecked(id: Int, nameLength: Int, valueLength: Int) {
        guard id >= oldestID, id < nextID else { return }
        let position = (ringHead + (id - oldestID)) & (ring.count - 1)
        guard ring[position].nameLength == nameLength, ring[position].valueLength == valueLength else { return }
        ring[position].checked = true
    }

    @inline(__always)
    func entry(id: Int) -> Entry {
        ring[(ringHead + (id - oldestID)) & (ring.count - 1)]
    }

    /// The HPACK dynamic index of the entry with `id` (1 for the newest).
    @inline(__always)
    func index(ofID id: Int) -> Int { nextID - id }

    /// Calls `body` with the entry's name and value bytes, contiguous (name first).
    @inline(__always)
    func withBytes<R>(of entry: Entry, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let start = entry.offset - bytesBase
        let end = start + entry.nameLength + entry.valueLength
        return bytes.withUnsafeBytes { all in body(UnsafeRawBufferPointer(rebasing: all[start..<end])) }
    }

    /// RFC 7541 §4.4: evict until the new entry fits, then add it. An entry larger than
    /// the maximum empties the table and is not added. `nameValue` holds the name
    /// followed by the value; it must not point into this table.
    mutating func insert(nameValue: UnsafeRawBufferPointer, nameLength: Int) {
        insert(name: UnsafeRawBufferPointer(rebasing: nameValue[..<nameLength]),
               value: UnsafeRawBufferPointer(rebasing: nameValue[nameLength...]), nameHash: 0, pairHash: 0)
    }

    /// The same with name and value apart; the hashes feed the encoder's chains.
    mutating func insert(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer,
                         nameHash: UInt64, pairHash: UInt64) {
        let entrySize = name.count + value.count + 32
        while count > 0 && size + entrySize > maxSize { evictOldest() }
        guard entrySize <= maxSize else {
            compactIfWorthIt()
            return
        }
        if count == ring.count { growRing() }
        var entry = Entry(offset: bytesBase + bytes.count, nameLength: name.count,
                          valueLength: value.count, nameHash: nameHash,
                          pairHash: pairHash, nextSameName: -1, nextSamePair: -1)
        bytes.append(contentsOf: name)
        bytes.append(contentsOf: value)
        if indexed {
            if nameBuckets.isEmpty { growBuckets() }
            let mask = nameBuckets.count - 1
            let nameSlot = Int(truncatingIfNeeded: nameHash) & mask
            let pairSlot = Int(truncatingIfNeeded: pairHash) & mask
            entry.nextSameName = nameBuckets[nameSlot]
            entry.nextSamePair = pairBuckets[pairSlot]
            nameBuckets[nameSlot] = nextID
            pairBuckets[pairSlot] = nextID
        }
        ring[(ringHead + count) & (ring.count - 1)] = entry
        count += 1
        nextID += 1
        size += entrySize
        if indexed && count * 2 > nameBuckets.count { growBuckets() }
        compactIfWorthIt()
    }

    /// Encoder lookup: the newest entry whose name and value match, as an HPACK index.
    func index(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, pairHash: UInt64) -> Int? {
        guard indexed, count > 0 else { return nil }
        var id = pairBuckets[Int(truncatingIfNeeded: pairHash) & (pairBuckets.count - 1)]
        let oldest = oldestID
        return bytes.withUnsafeBytes { all in
            while id >= oldest {
                let candidate = entry(id: id)
                if candidate.pairHash == pairHash && candidate.nameLength == name.count
                    && candidate.valueLength == value.count {
                    let start = candidate.offset - bytesBase
                    if Bytes.equal(UnsafeRawBufferPointer(rebasing: all[start..<(start + name.count)]), name)
                        && Bytes.equal(UnsafeRawBufferPointer(rebasing: all[(start + name.count)..<(start + name.count + value.count)]), value) {
                        return index(ofID: id)
                    }
                }
                id = candidate.nextSamePair
            }
            return nil
        }
    }

    /// Encoder lookup: the newest entry whose name matches, as an HPACK index.
    func index(name: UnsafeRawBufferPointer, nameHash: UInt64) -> Int? {
        guard indexed, count > 0 else { return nil }
        var id = nameBuckets[Int(truncatingIfNeeded: nameHash) & (nameBuckets.count - 1)]
        let oldest = oldestID
        return bytes.withUnsafeBytes { all in
            while id >= oldest {
                let candidate = entry(id: id)
                if candidate.nameHash == nameHash && candidate.nameLength == name.count {
                    let start = candidate.offset - bytesBase
                    if Bytes.equal(UnsafeRawBufferPointer(rebasing: all[start..<(start + name.count)]), name) {
                        return index(ofID: id)
                    }
                }
                id = candidate.nextSameName
            }
            return nil
        }
    }

    private mutating func evictOldest() {
        let oldest = ring[ringHead]
        size -= oldest.size
        ringHead = (ringHead + 1) & (ring.count - 1)
        count -= 1
    }

    /// Drops evicted bytes from the front of the store once they outweigh the live ones,
    /// so each byte is moved O(1) times on average.
    private mutating func compactIfWorthIt() {
        let live = count == 0 ? bytesBase + bytes.count : ring[ringHead].offset
        let dead = live - bytesBase
        guard dead > 0, dead >= bytes.count - dead, dead >= 256 || count == 0 else { return }
        bytes.removeSubrange(0..<dead)
        bytesBase = live
    }

    private mutating func growRing() {
        let newCapacity = max(16, ring.count * 2)
        var newRing = [Entry]()
        newRing.reserveCapacity(newCapacity)
        for position in 0..<count { newRing.append(ring[(ringHead + position) & (ring.count - 1)]) }
        let filler = Entry(offset: 0, nameLength: 0, valueLength: 0, nameHash: 0, pairHash: 0,
                           nextSameName: -1, nextSamePair: -1)
        newRing.append(contentsOf: repeatElement(filler, count: newCapacity - count))
        ring = newRing
        ringHead = 0
    }

    /// Rebuilds the hash chains over the live entries with twice the buckets.
    private mutating func growBuckets() {
        let newCount = max(64, nameBuckets.count * 2)
        nameBuckets = [Int](repeating: -1, count: newCount)
        pairBuckets = [Int](repeating: -1, count: newCount)
        let mask = newCount - 1
        for id in oldestID..<nextID {
            let position = (ringHead + (id - oldestID)) & (ring.count - 1)
            let nameSlot = Int(truncatingIfNeeded: ring[position].nameHash) & mask
            let pairSlot = Int(truncatingIfNeeded: ring[position].pairHash) & mask
            ring[position].nextSameName = nameBuckets[nameSlot]
            ring[position].nextSamePair = pairBuckets[pairSlot]
            nameBuckets[nameSlot] = id
            pairBuckets[pairSlot] = id
        }
    }
}
