/// What the encoder adds to the dynamic table, and what it never indexes.
///
/// By default: credentials (`authorization`, `proxy-authorization`) and short `cookie`
/// values (under 20 bytes, guessable, RFC 7541 §7.1.3) are sent never-indexed; fields that
/// change on nearly every message (`:path`, `content-length`, validators such as `etag`)
/// are sent without indexing so they do not push reusable entries out; an entry larger
/// than 3/4 of the table is not indexed either. Everything else is indexed.
public struct IndexingPolicy: Sendable {
    /// Names whose fields are always sent never-indexed.
    public var neverIndexedNames: [String] { didSet { neverIndexed = NameSet(neverIndexedNames) } }
    /// `cookie` values shorter than this are sent never-indexed (0 turns it off).
    public var shortCookieLimit: Int
    /// Names whose fields are sent as literals without indexing.
    public var unindexedNames: [String] { didSet { unindexed = NameSet(unindexedNames) } }
    /// An entry is indexed only if its size is at most this fraction of the table
    /// (numerator over 4: 3 means 3/4).
    public var maxEntryQuarters: Int

    private var neverIndexed: NameSet
    private var unindexed: NameSet

    public init(neverIndexedNames: [String] = ["authorization", "proxy-authorization"],
                shortCookieLimit: Int = 20,
                unindexedNames: [String] = [":path", "content-length", "etag", "if-modified-since",
                                            "if-none-match", "last-modified", "age", "content-range"],
                maxEntryQuarters: Int = 3) {
        self.neverIndexedNames = neverIndexedNames
        self.shortCookieLimit = shortCookieLimit
        self.unindexedNames = unindexedNames
        self.maxEntryQuarters = maxEntryQuarters
        self.neverIndexed = NameSet(neverIndexedNames)
        self.unindexed = NameSet(unindexedNames)
    }

    public static let `default` = IndexingPolicy()

    /// Indexes every field that fits the table, the choice RFC 7541 Appendix C makes.
    public static let indexEverything = IndexingPolicy(neverIndexedNames: [], shortCookieLimit: 0,
                                                       unindexedNames: [], maxEntryQuarters: 4)

    enum Decision { case index, literal, neverIndexed }

    @inline(__always)
    func decide(name: UnsafeRawBufferPointer, nameHash: UInt64, value: UnsafeRawBufferPointer,
                tableMaxSize: Int) -> Decision {
        if neverIndexed.contains(name, hash: nameHash) { return .neverIndexed }
        if value.count < shortCookieLimit && NameSet.cookie.contains(name, hash: nameHash) { return .neverIndexed }
        if unindexed.contains(name, hash: nameHash) { return .literal }
        if (name.count + value.count + 32) * 4 > tableMaxSize * maxEntryQuarters { return .literal }
        return .index
    }
}

/// A few names, compared by hash first.
struct NameSet: Sendable {
    private var hashes: [UInt64] = []
    private var names: [[UInt8]] = []

    init(_ list: [String]) {
        for name in list {
            let bytes = Array(name.utf8)
            names.append(bytes)
            hashes.append(bytes.withUnsafeBytes { FieldHash.hash($0) })
        }
    }

    static let cookie = NameSet(["cookie"])

    @inline(__always)
    func contains(_ name: UnsafeRawBufferPointer, hash: UInt64) -> Bool {
        for position in 0..<hashes.count where hashes[position] == hash {
            if names[position].withUnsafeBytes({ Bytes.equal($0, name) }) { return true }
        }
        return false
    }
}
