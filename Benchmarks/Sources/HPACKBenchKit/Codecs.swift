import HPACK
import NIOCore
import NIOHPACK

/// The corpus in each library's native form, and one measured pass per codec and direction.
///
/// A pass replays every story once, each through a fresh decoder or encoder (the dynamic
/// table follows the story), and returns the number of header fields it handled. The
/// scratch outputs are reused from pass to pass; each pass takes them out of `self` first so
/// the loops work on locals (no class-property exclusivity checks inside them).
public final class HPACKBenchKit {
    public let corpus: Corpus
    /// Largest decoded header list we allow: the corpus must never hit a budget.
    static let unlimitedListSize = 1 << 24

    // Ours: [UInt8] blocks and HeaderList lists.
    let tableSizes: [Int]
    let oursWire: [[[UInt8]]]
    let oursLists: [[HeaderList]]
    var oursList = HeaderList()
    var oursOut: [UInt8] = []

    // NIOHPACK: ByteBuffer blocks and HPACKHeaders lists.
    let allocator = ByteBufferAllocator()
    let nioWire: [[ByteBuffer]]
    let nioHeaders: [[HPACKHeaders]]
    var nioOut: ByteBuffer

    public init(corpus: Corpus) {
        self.corpus = corpus
        tableSizes = corpus.stories.map(\.tableSize)
        oursWire = corpus.stories.map(\.wire)
        oursLists = corpus.stories.map { $0.headers.map { HeaderList($0.map { HeaderField($0.name, $0.value) }) } }
        let allocator = self.allocator
        nioWire = corpus.stories.map { $0.wire.map { allocator.buffer(bytes: $0) } }
        nioHeaders = corpus.stories.map { $0.headers.map { HPACKHeaders($0.map { ($0.name, $0.value) }) } }
        oursOut.reserveCapacity(1 << 16)
        nioOut = allocator.buffer(capacity: 1 << 16)
    }

    public static func load() throws -> HPACKBenchKit { HPACKBenchKit(corpus: try Corpus.load()) }

    public var headerCount: Int { corpus.headerCount }
    public var blockCount: Int { corpus.blockCount }

    // MARK: - Measured passes

    @inline(never)
    public func oursDecodePass() throws -> Int {
        var list = oursList
        oursList = HeaderList()
        defer { oursList = list }
        var fields = 0
        for story in oursWire.indices {
            var decoder = HPACK.HPACKDecoder(maxTableSize: tableSizes[story],
                                             maxHeaderListSize: Self.unlimitedListSize)
            for block in oursWire[story] {
                list.removeAll(keepingCapacity: true)
                try decoder.decode(block, into: &list)
                fields &+= list.count
            }
        }
        return fields
    }

    @inline(never)
    public func nioDecodePass() throws -> Int {
        var fields = 0
        for story in nioWire.indices {
            var decoder = NIOHPACK.HPACKDecoder(allocator: allocator, maxDynamicTableSize: tableSizes[story],
                                                maxHeaderListSize: Self.unlimitedListSize)
            for block in nioWire[story] {
                var input = block
                let headers = try decoder.decodeHeaders(from: &input)
                fields &+= headers.count
            }
        }
        return fields
    }

    @inline(never)
    public func oursEncodePass() -> Int {
        var out = oursOut
        oursOut = []
        defer { oursOut = out }
        var fields = 0
        for story in oursLists.indices {
            var encoder = HPACK.HPACKEncoder(maxTableSize: tableSizes[story])
            for list in oursLists[story] {
                out.removeAll(keepingCapacity: true)
                encoder.encode(list, into: &out)
                fields &+= list.count
            }
        }
        return fields
    }

    @inline(never)
    public func nioEncodePass() throws -> Int {
        var out = nioOut
        nioOut = allocator.buffer(capacity: 0)
        defer { nioOut = out }
        var fields = 0
        for story in nioHeaders.indices {
            var encoder = NIOHPACK.HPACKEncoder(allocator: allocator, useHuffmanEncoding: true,
                                                maxDynamicTableSize: tableSizes[story])
            for headers in nioHeaders[story] {
                out.clear()
                try encoder.encode(headers: headers, to: &out)
                fields &+= headers.count
            }
        }
        return fields
    }

    // MARK: - Checks (outside any measurement)

    /// Encoded sizes of the corpus, in bytes.
    public struct Report: Sendable {
        public var wireBytes: Int
        public var oursEncodedBytes: Int
        public var nioEncodedBytes: Int
    }

    /// Checks that both decoders give the stories' header lists, that both encoders'
    /// blocks decode back to them (through both decoders), and that the passes count every
    /// field; returns the encoded sizes.
    public func verify() throws -> Report {
        var report = Report(wireBytes: corpus.wireBytes, oursEncodedBytes: 0, nioEncodedBytes: 0)
        for (s, story) in corpus.stories.enumerated() {
            var oursDecoder = HPACK.HPACKDecoder(maxTableSize: story.tableSize, maxHeaderListSize: Self.unlimitedListSize)
            var nioDecoder = NIOHPACK.HPACKDecoder(allocator: allocator, maxDynamicTableSize: story.tableSize,
                                                   maxHeaderListSize: Self.unlimitedListSize)
            var oursEncoder = HPACK.HPACKEncoder(maxTableSize: story.tableSize)
            var nioEncoder = NIOHPACK.HPACKEncoder(allocator: allocator, maxDynamicTableSize: story.tableSize)
            // Decoders that follow the other library's encoder.
            var oursFromNIO = HPACK.HPACKDecoder(maxTableSize: story.tableSize, maxHeaderListSize: Self.unlimitedListSize)
            var nioFromOurs = NIOHPACK.HPACKDecoder(allocator: allocator, maxDynamicTableSize: story.tableSize,
                                                    maxHeaderListSize: Self.unlimitedListSize)
            for (n, expected) in story.headers.enumerated() {
                let what = "\(story.file) case \(n)"
                let decoded = try oursDecoder.decode(story.wire[n])
                try check(ours: decoded, expected, "ours decoding \(what)")
                var wire = nioWire[s][n]
                try check(nio: try nioDecoder.decodeHeaders(from: &wire), expected, "NIOHPACK decoding \(what)")

                var encoded: [UInt8] = []
                oursEncoder.encode(oursLists[s][n], into: &encoded)
                report.oursEncodedBytes += encoded.count
                var encodedBuffer = allocator.buffer(bytes: encoded)
                try check(nio: try nioFromOurs.decodeHeaders(from: &encodedBuffer), expected,
                          "NIOHPACK decoding our encoding of \(what)")

                var nioEncoded = allocator.buffer(capacity: 256)
                try nioEncoder.encode(headers: nioHeaders[s][n], to: &nioEncoded)
                report.nioEncodedBytes += nioEncoded.readableBytes
                let nioBytes = nioEncoded.readBytes(length: nioEncoded.readableBytes)!
                try check(ours: try oursFromNIO.decode(nioBytes), expected, "ours decoding NIOHPACK's encoding of \(what)")
            }
        }
        let total = corpus.headerCount
        for (name, count) in [("ours decode", try oursDecodePass()), ("NIOHPACK decode", try nioDecodePass()),
                              ("ours encode", oursEncodePass()), ("NIOHPACK encode", try nioEncodePass())]
        where count != total {
            throw CorpusError.mismatch("\(name) pass counted \(count) fields, the corpus has \(total)")
        }
        return report
    }

    private func check(ours list: HeaderList, _ expected: [(name: String, value: String)], _ what: String) throws {
        let got = list.map { ($0.name, $0.value) }
        guard got.elementsEqual(expected, by: { $0.0 == $1.name && $0.1 == $1.value }) else {
            throw CorpusError.mismatch("\(what): got \(got), expected \(expected)")
        }
    }

    private func check(nio headers: HPACKHeaders, _ expected: [(name: String, value: String)], _ what: String) throws {
        let got = headers.map { ($0.name, $0.value) }
        guard got.elementsEqual(expected, by: { $0.0 == $1.name && $0.1 == $1.value }) else {
            throw CorpusError.mismatch("\(what): got \(got), expected \(expected)")
        }
    }
}
