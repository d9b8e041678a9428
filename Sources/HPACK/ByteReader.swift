/// A cursor over borrowed bytes. Every read is bounds-checked and reports `truncated`
/// instead of trapping, so peer bytes can never read outside the block.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    private(set) var position: Int = 0

    init(_ base: UnsafeRawBufferPointer) { self.base = base }

    var isAtEnd: Bool { position >= base.count }
    var remaining: Int { base.count - position }

    @inline(__always)
    mutating func readByte() throws(HPACKError) -> UInt8 {
        guard position < base.count else { throw .truncated }
        let byte = base[position]
        position += 1
        return byte
    }

    @inline(__always)
    func peekByte() -> UInt8? { position < base.count ? base[position] : nil }

    /// Borrows the next `count` bytes and moves past them.
    @inline(__always)
    mutating func readBytes(_ count: Int) throws(HPACKError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw .truncated }
        let slice = UnsafeRawBufferPointer(rebasing: base[position..<(position + count)])
        position += count
        return slice
    }
}
