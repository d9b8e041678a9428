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

    /// The tables behind lookups, built once and never freed: plain memory, so a lookup
    /// costs no reference counting and no allocation.
    private struct Tables: @unchecked Sendable {
        /// Every entry's name then value, contiguous.
        let storage: UnsafeMutableRawBufferPointer
        /// Per index (0 unused): start in `storage`, name length, value length.
        let starts: UnsafeMutablePointer<Int32>
        let nameLengths: UnsafeMutablePointer<Int32>
        let valueLengths: UnsafeMutablePointer<Int32>
        let nameHashes: UnsafeMutablePointer<UInt64>
        let pairHashes: UnsafeMutablePointer<UInt64>
        /// Open addressing over 256 slots keyed by name hash and by (name, value) hash;
        /// slots hold static indices (1...61), 0 when empty.
        let nameSlots: UnsafeMutablePointer<UInt8>
        let pairSlots: UnsafeMutablePointer<UInt8>

        @inline(__always)
        func name(_ index: Int) -> UnsafeRawBufferPointer {
            let start = Int(starts[index])
            return UnsafeRawBufferPointer(rebasing: storage[start..<(start + Int(nameLengths[index]))])
        }

        @inline(__always)
        func nameValue(_ index: Int) -> UnsafeRawBufferPointer {
            let start = Int(starts[index])
            return UnsafeRawBufferPointer(
                rebasing: storage[start..<(start + Int(nameLengths[index]) + Int(valueLengths[index]))])
        }
    }

    private static let slotMask = 255

    private static let tables: Tables = {
        let total = entries.reduce(0) { $0 + $1.name.count + $1.value.count }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 8)
        let starts = UnsafeMutablePointer<Int32>.allocate(capacity: 62)
        let nameLengths = UnsafeMutablePointer<Int32>.allocate(capacity: 62)
        let valueLengths = UnsafeMutablePointer<Int32>.allocate(capacity: 62)
        let nameHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: 62)
        let pairHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: 62)
        let nameSlots = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        let pairSlots = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        nameSlots.initialize(repeating: 0, count: 256)
        pairSlots.initialize(repeating: 0, count: 256)
        (starts[0], nameLengths[0], valueLengths[0], nameHashes[0], pairHashes[0]) = (0, 0, 0, 0, 0)
        var offset = 0
        for (position, entry) in entries.enumerated() {
            let index = position + 1
            starts[index] = Int32(offset)
            nameLengths[index] = Int32(entry.name.count)
            valueLengths[index] = Int32(entry.value.count)
            for byte in entry.name + entry.value {
                storage[offset] = byte
                offset += 1
            }
            let nameHash = entry.name.withUnsafeBytes { FieldHash.hash($0) }
            let pairHash = entry.value.withUnsafeBytes { FieldHash.pair(nameHash: nameHash, value: $0) }
            nameHashes[index] = nameHash
            pairHashes[index] = pairHash
            // The first (lowest) index of a name wins: later duplicates only fill `pairSlots`.
            var slot = Int(truncatingIfNeeded: nameHash) & slotMask
            while nameSlots[slot] != 0 && nameHashes[Int(nameSlots[slot])] != nameHash { slot = (slot + 1) & slotMask }
            if nameSlots[slot] == 0 { nameSlots[slot] = UInt8(index) }
            slot = Int(truncatingIfNeeded: pairHash) & slotMask
            while pairSlots[slot] != 0 { slot = (slot + 1) & slotMask }
            pairSlots[slot] = UInt8(index)
        }
        return Tables(storage: storage, starts: starts, nameLengths: nameLengths, valueLengths: valueLengths,
                      nameHashes: nameHashes, pairHashes: pairHashes, nameSlots: nameSlots, pairSlots: pairSlots)
    }()

    /// The name length of static entry `index` (1...61).
    @inline(__always)
    static func nameLength(_ index: Int) -> Int { Int(tables.nameLengths[index]) }

    /// Calls `body` with entry `index` (1...61) as contiguous name and value bytes.
    @inline(__always)
    static func withEntry<R>(_ index: Int, _ body: (_ nameValue: UnsafeRawBufferPointer, _ nameLength: Int) -> R) -> R {
        let tables = self.tables
        return body(tables.nameValue(index), Int(tables.nameLengths[index]))
    }

    /// The lowest static index whose name equals `name`, or 0.
    static func index(name: UnsafeRawBufferPointer, nameHash: UInt64) -> Int {
        let tables = self.tables
        var slot = Int(truncatingIfNeeded: nameHash) & slotMask
        while tables.nameSlots[slot] != 0 {
            let index = Int(tables.nameSlots[slot])
            if tables.nameHashes[index] == nameHash && Bytes.equal(tables.name(index), name) { return index }
            slot = (slot + 1) & slotMask
        }
        return 0
    }

    /// The static index whose name and value both match, or 0.
    static func index(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, pairHash: UInt64) -> Int {
        let tables = self.tables
        var slot = Int(truncatingIfNeeded: pairHash) & slotMask
        while tables.pairSlots[slot] != 0 {
            let index = Int(tables.pairSlots[slot])
            if tables.pairHashes[index] == pairHash && Int(tables.nameLengths[index]) == name.count
                && Int(tables.valueLengths[index]) == value.count {
                let stored = tables.nameValue(index)
                if Bytes.equal(UnsafeRawBufferPointer(rebasing: stored[..<name.count]), name)
                    && Bytes.equal(UnsafeRawBufferPointer(rebasing: stored[name.count...]), value) {
                    return index
                }
            }
            slot = (slot + 1) & slotMask
        }
        return 0
    }
}
