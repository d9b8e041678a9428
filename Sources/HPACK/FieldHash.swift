/// FNV-1a over field bytes: the encoder's lookup key for the static and dynamic tables.
enum FieldHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = FieldHash.seed) -> UInt64 {
        var hash = seed
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The key of a (name, value) pair: the value hashed on top of the name's hash, with a
    /// separator so that ("ab", "c") and ("a", "bc") differ.
    @inline(__always)
    static func pair(nameHash: UInt64, value: UnsafeRawBufferPointer) -> UInt64 {
        hash(value, seed: (nameHash ^ 0xff) &* 0x0000_0100_0000_01b3)
    }
}
