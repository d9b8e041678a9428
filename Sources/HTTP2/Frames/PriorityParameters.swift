/// The deprecated RFC 7540 priority fields: Exclusive, Stream Dependency and Weight, as
/// carried by a PRIORITY frame and by a HEADERS frame with the PRIORITY flag
/// (RFC 9113 §6.2, §6.3; the scheme is deprecated by §5.3.2 but the fields are still
/// parsed so that peers stay interoperable).
public struct PriorityParameters: Hashable, Sendable {
    /// Octets the three fields take on the wire.
    public static let size = 5

    /// The Exclusive bit.
    public var exclusive: Bool
    /// The stream this one depends on.
    public var dependency: StreamID
    /// The Weight field as sent (0...255); RFC 7540 §5.3.2 reads it as weight + 1.
    public var weight: UInt8

    /// The three fields as given.
    public init(exclusive: Bool, dependency: StreamID, weight: UInt8) {
        self.exclusive = exclusive
        self.dependency = dependency
        self.weight = weight
    }

    /// Reads the 5 octets at `offset`; the caller has checked they are there.
    init(parsing bytes: BorrowedBytes, at offset: Int) {
        let word = bytes.uint32(at: offset)
        exclusive = word & 0x8000_0000 != 0
        dependency = StreamID(word)
        weight = bytes.uint8(at: offset + 4)
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendUInt32(dependency.rawValue | (exclusive ? 0x8000_0000 : 0))
        buffer.append(weight)
    }
}
