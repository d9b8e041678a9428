/// RFC 7541 §2.3.1 and Appendix A: the static table, indices 1...61.
enum StaticTable {
    static let count = 61

    /// Entry `i` of the RFC is `entries[i - 1]`.
    static let entries: [(name: [UInt8], value: [UInt8])] = [
        (":authority", ""),  // 1
        (":method", "GET"),  // 2
        (":method", "POST"),  // 3
        (":path", "/"),  // 4
        (":path", "/index.html"),  // 5
        (":scheme", "http"),  // 6
        (":scheme", "https"),  // 7
        (":status", "200"),  // 8
        (":status", "204"),  // 9
        (":status", "206"),  // 10
        (":status", "304"),  // 11
        (":status", "400"),  // 12
        (":status", "404"),  // 13
        (":status", "500"),  // 14
        ("accept-charset", ""),  // 15
        ("accept-encoding", "gzip, deflate"),  // 16
        ("accept-language", ""),  // 17
        ("accept-ranges", ""),  // 18
        ("accept", ""),  // 19
        ("access-control-allow-origin", ""),  // 20
        ("age", ""),  // 21
        ("allow", ""),  // 22
        ("authorization", ""),  // 23
        ("cache-control", ""),  // 24
        ("content-disposition", ""),  // 25
        ("content-encoding", ""),  // 26
        ("content-language", ""),  // 27
        ("content-length", ""),  // 28
        ("content-location", ""),  // 29
        ("content-range", ""),  // 30
        ("content-type", ""),  // 31
        ("cookie", ""),  // 32
        ("date", ""),  // 33
        ("etag", ""),  // 34
        ("expect", ""),  // 35
        ("expires", ""),  // 36
        ("from", ""),  // 37
        ("host", ""),  // 38
        ("if-match", ""),  // 39
        ("if-modified-since", ""),  // 40
        ("if-none-match", ""),  // 41
        ("if-range", ""),  // 42
        ("if-unmodified-since", ""),  // 43
        ("last-modified", ""),  // 44
        ("link", ""),  // 45
        ("location", ""),  // 46
        ("max-forwards", ""),  // 47
        ("proxy-authenticate", ""),  // 48
        ("proxy-authorization", ""),  // 49
        ("range", ""),  // 50
        ("referer", ""),  // 51
        ("refresh", ""),  // 52
        ("retry-after", ""),  // 53
        ("server", ""),  // 54
        ("set-cookie", ""),  // 55
        ("strict-transport-security", ""),  // 56
        ("transfer-encoding", ""),  // 57
        ("user-agent", ""),  // 58
        ("vary", ""),  // 59
        ("via", ""),  // 60
        ("www-authenticate", ""),  // 61
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    /// Every entry's name and value, contiguous, in one buffer: `layout[i]` locates entry i
    /// (index 0 unused), so a lookup costs no allocation.
    private static let packed: (storage: [UInt8], layout: [(start: Int, nameLength: Int, valueLength: Int)]) = {
        var storage: [UInt8] = []
        var layout = [(start: 0, nameLength: 0, valueLength: 0)]
        for entry in entries {
            layout.append((storage.count, entry.name.count, entry.value.count))
            storage += entry.name
            storage += entry.value
        }
        return (storage, layout)
    }()

    /// The name length of static entry `index` (1...61).
    @inline(__always)
    static func nameLength(_ index: Int) -> Int { packed.layout[index].nameLength }

    /// Calls `body` with entry `index` (1...61) as contiguous name and value bytes.
    @inline(__always)
    static func withEntry<R>(_ index: Int, _ body: (_ nameValue: UnsafeRawBufferPointer, _ nameLength: Int) -> R) -> R {
        let slot = packed.layout[index]
        return packed.storage.withUnsafeBytes { all in
            body(UnsafeRawBufferPointer(rebasing: all[slot.start..<(slot.start + slot.nameLength + slot.valueLength)]),
                     slot.nameLength)
        }
    }

    /// The encoder's lookup: open addressing over 256 slots keyed by name hash and by
    /// (name, value) hash. Slots hold static indices (1...61), 0 when empty.
    private static let slotMask = 255
    private static let lookup: (names: [UInt8], pairs: [UInt8], nameHashes: [UInt64], pairHashes: [UInt64]) = {
        var names = [UInt8](repeating: 0, count: 256)
        var pairs = [UInt8](repeating: 0, count: 256)
        var nameHashes = [UInt64](repeating: 0, count: 62)
        var pairHashes = [UInt64](repeating: 0, count: 62)
        for (offset, entry) in entries.enumerated() {
            let index = offset + 1
            let nameHash = entry.name.withUnsafeBytes { FieldHash.hash($0) }
            let pairHash = entry.value.withUnsafeBytes { FieldHash.pair(nameHash: nameHash, value: $0) }
            nameHashes[index] = nameHash
            pairHashes[index] = pairHash
            // The first (lowest) index of a name wins: later duplicates only fill `pairs`.
            var slot = Int(truncatingIfNeeded: nameHash) & slotMask
            while names[slot] != 0 && nameHashes[Int(names[slot])] != nameHash { slot = (slot + 1) & slotMask }
            if names[slot] == 0 { names[slot] = UInt8(index) }
            slot = Int(truncatingIfNeeded: pairHash) & slotMask
            while pairs[slot] != 0 { slot = (slot + 1) & slotMask }
            pairs[slot] = UInt8(index)
        }
        return (names, pairs, nameHashes, pairHashes)
    }()

    /// The lowest static index whose name equals `name`, or 0.
    static func index(name: UnsafeRawBufferPointer, nameHash: UInt64) -> Int {
        let table = lookup
        var slot = Int(truncatingIfNeeded: nameHash) & slotMask
        while table.names[slot] != 0 {
            let index = Int(table.names[slot])
            if table.nameHashes[index] == nameHash && equal(entries[index - 1].name, name) { return index }
            slot = (slot + 1) & slotMask
        }
        return 0
    }

    /// The static index whose name and value both match, or 0.
    static func index(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, pairHash: UInt64) -> Int {
        let table = lookup
        var slot = Int(truncatingIfNeeded: pairHash) & slotMask
        while table.pairs[slot] != 0 {
            let index = Int(table.pairs[slot])
            if table.pairHashes[index] == pairHash && equal(entries[index - 1].name, name)
                && equal(entries[index - 1].value, value) {
                return index
            }
            slot = (slot + 1) & slotMask
        }
        return 0
    }

    @inline(__always)
    static func equal(_ stored: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        stored.count == bytes.count && stored.withUnsafeBytes { $0.elementsEqual(bytes) }
    }
}
