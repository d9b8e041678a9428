import NIOConcurrencyHelpers
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The small files `StaticFiles` answers from memory, keyed by the request's path (before
/// the query). Bounded in entries and in octets; an entry is used only while a `stat` of its
/// path (symlinks followed) finds the very file it was read from. That check is made at
/// most once per `revalidationInterval` per entry (a `stat` costs more than the rest of a
/// small request: about 1.4 us on the benchmark machine), so an edited, replaced or
/// removed file is seen within that interval; 0 checks on every request. Whatever a path
/// leads to after a change, an entry only ever holds a file that was inside the root when
/// it was read. Safe from any thread.
public final class FileCache: Sendable {
    /// Files larger than this are never cached (they are streamed by `StaticFiles.serve`).
    public let maxFileSize: Int
    public let maxEntries: Int
    /// The most octets of file content held at once.
    public let maxTotalBytes: Int
    /// Nanoseconds an entry is trusted after a check.
    public let revalidationInterval: UInt64

    /// Which file a path led to: same device, inode, size, modification and change time
    /// (a rename, chmod or write changes the change time) means same content.
    struct Identity: Equatable, Sendable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var modified: (seconds: Int, nanoseconds: Int)
        var changed: (seconds: Int, nanoseconds: Int)

        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int64(info.st_size)
            modified = (Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec))
            changed = (Int(info.st_ctim.tv_sec), Int(info.st_ctim.tv_nsec))
        }

        static func == (lhs: Identity, rhs: Identity) -> Bool {
            lhs.device == rhs.device && lhs.inode == rhs.inode && lhs.size == rhs.size
                && lhs.modified == rhs.modified && lhs.changed == rhs.changed
        }
    }

    /// Immutable (a lookup copies one reference); a check replaces it with a newer one.
    final class Entry: Sendable {
        /// What a hit `stat`s: the root plus the request's segments (plus the index file).
        let statPath: String
        let identity: Identity
        /// The index file name when the entry answers a folder.
        let indexFile: String?
        let response: InlineResponse
        /// When the entry was last checked (monotonic nanoseconds).
        let checkedAt: UInt64

        init(statPath: String, identity: Identity, indexFile: String?, response: InlineResponse, checkedAt: UInt64) {
            self.statPath = statPath
            self.identity = identity
            self.indexFile = indexFile
            self.response = response
            self.checkedAt = checkedAt
        }

        func checked(at time: UInt64) -> Entry {
            Entry(statPath: statPath, identity: identity, indexFile: indexFile, response: response, checkedAt: time)
        }
    }

    /// A path compared octet by octet: Swift's `String` equality is Unicode canonical
    /// equivalence, and two requests for differently normalized names are two files.
    struct Key: Hashable, Sendable {
        let path: Substring

        static func == (lhs: Key, rhs: Key) -> Bool { lhs.path.utf8.elementsEqual(rhs.path.utf8) }

        func hash(into hasher: inout Hasher) {
            let done: Void? = path.utf8.withContiguousStorageIfAvailable { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            if done == nil { for byte in path.utf8 { hasher.combine(byte) } }
        }
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var totalBytes = 0
    }

    let state = NIOLockedValueBox(State())

    /// `revalidationInterval` in seconds (0: `stat` on every request).
    public init(maxFileSize: Int = 64 * 1024, maxEntries: Int = 1024, maxTotalBytes: Int = 16 << 20,
                revalidationInterval: Double = 1) {
        self.maxFileSize = max(0, maxFileSize)
        self.maxEntries = max(0, maxEntries)
        self.maxTotalBytes = max(0, maxTotalBytes)
        self.revalidationInterval = revalidationInterval > 0 ? UInt64(revalidationInterval * 1e9) : 0
    }

    /// Monotonic nanoseconds (the coarse clock: a few ms of resolution is plenty here, and
    /// it is read without a system call).
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }

    /// Files held now.
    public var count: Int { state.withLockedValue { $0.entries.count } }

    /// The cached answer for a path, if the file its path leads to has not changed.
    func lookup(_ pathPart: Substring, indexFile: String) -> InlineResponse? {
        let key = Key(path: pathPart)
        guard let entry = state.withLockedValue({ $0.entries[key] }) else { return nil }
        if let name = entry.indexFile, !name.utf8.elementsEqual(indexFile.utf8) { return nil }
        let now = Self.now()
        if revalidationInterval > 0 && now &- entry.checkedAt < revalidationInterval { return entry.response }
        var info = stat()
        guard stat(entry.statPath, &info) == 0, Identity(info) == entry.identity else {
            remove(key, ifStill: entry)
            return nil
        }
        if revalidationInterval > 0 {
            let fresh = entry.checked(at: now)
            state.withLockedValue { state in
                if state.entries[key] === entry { state.entries[key] = fresh }
            }
        }
        return entry.response
    }

    func insert(_ pathPart: Substring, _ entry: Entry) {
        let size = entry.response.body.readableBytes
        guard size <= maxFileSize, maxEntries > 0 else { return }
        // A fresh copy of the key: the request's string is not kept alive by the cache.
        let key = Key(path: Substring(String(pathPart)))
        state.withLockedValue { state in
            if let old = state.entries.removeValue(forKey: key) { state.totalBytes -= old.response.body.readableBytes }
            // Full: make room by dropping arbitrary entries (cheap; a cache of small files
            // that outgrows its bounds is refilled from the files as they are asked for).
            while !state.entries.isEmpty
                    && (state.entries.count >= maxEntries || state.totalBytes + size > maxTotalBytes) {
                guard let victim = state.entries.first else { break }
                state.entries.removeValue(forKey: victim.key)
                state.totalBytes -= victim.value.response.body.readableBytes
            }
            guard state.totalBytes + size <= maxTotalBytes else { return }
            state.entries[key] = entry
            state.totalBytes += size
        }
    }

    func remove(_ key: Key, ifStill entry: Entry) {
        state.withLockedValue { state in
            guard let old = state.entries[key], old === entry else { return }
            state.entries.removeValue(forKey: key)
            state.totalBytes -= old.response.body.readableBytes
        }
    }

    /// Forgets every file.
    public func removeAll() {
        state.withLockedValue { state in
            state.entries.removeAll()
            state.totalBytes = 0
        }
    }
}
