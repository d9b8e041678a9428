/// Small byte helpers (the module uses no Foundation, so no memcmp).
enum Bytes {
    /// Whether two byte buffers hold the same bytes, eight at a time.
    @inline(__always)
    static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let count = a.count
        guard count == b.count else { return false }
        guard count > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        var offset = 0
        while offset + 8 <= count {
            if pa.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != pb.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
            offset += 8
        }
        while offset < count {
            if pa.load(fromByteOffset: offset, as: UInt8.self) != pb.load(fromByteOffset: offset, as: UInt8.self) { return false }
            offset += 1
        }
        return true
    }
}
