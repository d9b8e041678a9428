/// The encoder's lookup key for the static and dynamic tables: a multiplicative hash that
/// takes eight bytes per step (field values such as cookies and user agents are long).
/// Collisions only cost a byte comparison; the tables never trust a hash alone.
enum FieldHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15

    @inline(__always)
    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let product = (hash ^ word) &* multiplier
        return product ^ (product >> 29)
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = FieldHash.seed) -> UInt64 {
        var hash = seed ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return mix(hash, 0) }
        let count = bytes.count
        if count >= 8 {
            var offset = 0
            while offset + 8 <= count {
                hash = mix(hash, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            if offset < count {
                // The last word again, overlapping: one load instead of a byte loop.
                hash = mix(hash, base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            }
        } else if count >= 4 {
            let low = UInt64(base.loadUnaligned(fromByteOffset: 0, as: UInt32.self))
            let high = UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            hash = mix(hash, low | high << 32)
        } else if count > 0 {
            let first = UInt64(base.load(fromByteOffset: 0, as: UInt8.self))
            let middle = UInt64(base.load(fromByteOffset: count / 2, as: UInt8.self))
            let last = UInt64(base.load(fromByteOffset: count - 1, as: UInt8.self))
            hash = mix(hash, first | middle << 8 | last << 16)
        }
        return hash
    }

    /// The key of a (name, value) pair: the value hashed on top of the name's hash (the
    /// lengths are mixed in, so ("ab", "c") and ("a", "bc") differ).
    @inline(__always)
    static func pair(nameHash: UInt64, value: UnsafeRawBufferPointer) -> UInt64 {
        hash(value, seed: nameHash &* 31 &+ 0x51)
    }
}
