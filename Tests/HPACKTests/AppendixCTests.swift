import HPACK
import Testing

/// RFC 7541 §6 representations, through the Appendix C examples: our decoder reads the
/// RFC's bytes, and where the RFC fixes the encoder's choices our encoder writes them.
@Suite("RFC 7541 §6 and Appendix C examples")
struct AppendixCTests {
    static let stories = (try? Story.all(in: "rfc7541")) ?? []

    @Test("the Appendix C stories are all present")
    func present() {
        #expect(Self.stories.count == 8)
        #expect(Self.stories.reduce(0) { $0 + $1.cases.count } == 16)
    }

    @Test("our decoder reads every Appendix C block", arguments: stories)
    func decode(story: Story) throws {
        var decoder = HPACKDecoder(maxTableSize: story.cases.first?.tableSize ?? 4096)
        for example in story.cases {
            let list = try decoder.decode(try #require(example.wire))
            #expect(pairs(list) == example.headers.map { [$0.0, $0.1] }, "\(story.path)")
        }
    }

    @Test("our encoder writes the RFC's bytes exactly", arguments: stories)
    func encode(story: Story) throws {
        let huffman = story.path.contains("huffman")
        var encoder = HPACKEncoder(maxTableSize: story.cases.first?.tableSize ?? 4096,
                                   huffman: huffman ? .always : .never)
        for example in story.cases {
            let fields = example.headers.map { name, value in
                // C.2.3 is the never-indexed example: the application marks the secret.
                HeaderField(name, value, indexing: name == "password" ? .neverIndexed : .indexable)
            }
            let ours = hexString(encoder.encode(fields))
            let rfc = hexString(try #require(example.wire))
            #expect(ours == rfc, "\(story.path)")
        }
    }

    @Test("C.2.3: a never-indexed field keeps its flag when decoded and re-encoded (§7.1.3)")
    func neverIndexedSurvivesReencoding() throws {
        var decoder = HPACKDecoder()
        let list = try decodeHex("100870617373776f726406736563726574", with: &decoder)
        #expect(list.indexing(at: 0) == .neverIndexed)
        #expect(decoder.tableCount == 0)
        // An intermediary re-encodes it with an encoder that would otherwise index it.
        var encoder = HPACKEncoder(huffman: .never, indexingPolicy: .indexEverything)
        var block: [UInt8] = []
        encoder.encode(list, into: &block)
        #expect(hexString(block) == "100870617373776f726406736563726574")
        #expect(encoder.tableCount == 0)
    }

    @Test("C.2.2: a literal without indexing is flagged so and adds nothing")
    func literalWithoutIndexing() throws {
        var decoder = HPACKDecoder()
        let list = try decodeHex("040c2f73616d706c652f70617468", with: &decoder)
        #expect(pairs(list) == [[":path", "/sample/path"]])
        #expect(list.indexing(at: 0) == .notIndexed)
        #expect(decoder.tableCount == 0)
    }
}

extension Story: CustomTestStringConvertible {
    var testDescription: String { String(path.split(separator: "/").last ?? "") }
}
