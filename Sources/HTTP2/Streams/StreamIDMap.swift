/// A map from stream id to a small integer, by open addressing with linear probing and
/// backward-shift deletion (no tombstones). Stream ids hash with one multiplication:
/// much cheaper than `Dictionary`'s seeded SipHash, and ids are not attacker-chosen
/// beyond their order (a peer must use increasing ids, §5.1.1).
struct StreamIDMap: Sendable {
    private var keys: [UInt32]     // 0 = empty (stream 0 is never a key)
    private var values: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt32](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private func home(_ key: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(key) &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
    }

    @inline(__always)
    func value(for key: UInt32) -> Int32? {
        var slot = home(key)
        while true {
            let found = keys[slot]
            if found == key { return values[slot] }
            if found == 0 { return nil }
            slot = (slot + 1) & mask
        }
    }

    /// Adds or replaces.
    mutating func set(_ value: Int32, for key: UInt32) {
        if (count + 1) * 4 > keys.count * 3 { grow() }
        var slot = home(key)
        while true {
            let found = keys[slot]
            if found == key {
                values[slot] = value
                return
            }
            if found == 0 {
                keys[slot] = key
                values[slot] = value
                count += 1
                return
            }
            slot = (slot + 1) & mask
        }
    }

    /// Removes `key`; returns its value if it was there.
    @discardableResult
    mutating func remove(_ key: UInt32) -> Int32? {
        var slot = home(key)
        while true {
            let found = keys[slot]
            if found == 0 { return nil }
            if found == key { break }
            slot = (slot + 1) & mask
        }
        let removed = values[slot]
        // Backward shift: pull later entries of the probe run into the hole.
        var hole = slot
        var next = (slot + 1) & mask
        while keys[next] != 0 {
            let ideal = home(keys[next])
            // Move `next` into `hole` unless its ideal slot lies cyclically in (hole, next].
            let distanceToNext = (next - ideal) & mask
            let distanceToHole = (hole - ideal) & mask
            if distanceToHole < distanceToNext {
                keys[hole] = keys[next]
                values[hole] = values[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        keys[hole] = 0
        count -= 1
        return removed
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        let size = keys.count * 2
        keys = [UInt32](repeating: 0, count: size)
        values = [Int32](repeating: 0, count: size)
        mask = size - 1
        count = 0
        for index in 0..<oldKeys.count where oldKeys[index] != 0 {
            set(oldValues[index], for: oldKeys[index])
        }
    }

    /// Every key, in no particular order.
    var allKeys: [UInt32] { keys.filter { $0 != 0 } }
}
