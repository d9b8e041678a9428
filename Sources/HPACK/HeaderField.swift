/// How a field may be stored in the dynamic tables along the way (RFC 7541 §6.2).
public enum HeaderIndexing: UInt8, Sendable, Hashable {
    /// The encoder may add it to the dynamic table (its policy decides).
    case indexable
    /// Sent as a literal without indexing (§6.2.2); the next hop may index it.
    case notIndexed
    /// Sent as a never-indexed literal (§6.2.3), and re-encoded the same way by every
    /// intermediary (§7.1.3). Use it for secrets such as credentials.
    case neverIndexed
}

/// One header field as strings, for convenience. The decoder's output (`HeaderList`)
/// keeps raw bytes; this type is what you build requests and responses from.
public struct HeaderField: Hashable, Sendable {
    public var name: String
    public var value: String
    public var indexing: HeaderIndexing

    public init(_ name: String, _ value: String, indexing: HeaderIndexing = .indexable) {
        self.name = name
        self.value = value
        self.indexing = indexing
    }
}

extension HeaderField: CustomStringConvertible {
    public var description: String {
        "\(name): \(value)" + (indexing == .neverIndexed ? " (never indexed)" : "")
    }
}
