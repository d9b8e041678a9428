/// Memory for the one frame `FrameReader` may hold while it waits for the rest of its
/// bytes. Raw memory owned by a class (not an Array) so that a payload view into it
/// stays valid after `nextFrame` returns, until the reader's next call.
/// Mutated only through `FrameReader.uniqueBuffer()` (copy-on-write), so a reader copy
/// sent elsewhere never shares mutable state: hence `@unchecked Sendable`.
final class PartialFrameBuffer: @unchecked Sendable {
    private(set) var base: UnsafeMutableRawPointer?
    private(set) var capacity = 0
    private(set) var count = 0

    init() {}

    deinit {
        base?.deallocate()
    }

    /// The buffered bytes.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// A copy with the same bytes (for copy-on-write of the reader).
    func copy() -> PartialFrameBuffer {
        let other = PartialFrameBuffer()
        other.reserve(capacity)
        other.append(bytes)
        return other
    }

    /// Makes room for at least `minimumCapacity` bytes, keeping the buffered ones.
    func reserve(_ minimumCapacity: Int) {
        guard minimumCapacity > capacity else { return }
        let newCapacity = Swift.max(minimumCapacity, 256)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        if let base, count > 0 {
            newBase.copyMemory(from: base, byteCount: count)
        }
        base?.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends `bytes`, growing as needed.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if count + bytes.count > capacity {
            reserve(Swift.max(count + bytes.count, capacity * 2))
        }
        guard let base else { return }
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    /// Forgets the bytes; frees the memory when it grew past `keepCapacity`.
    func removeAll(keepCapacity: Int) {
        count = 0
        if capacity > keepCapacity {
            base?.deallocate()
            base = nil
            capacity = 0
        }
    }
}
