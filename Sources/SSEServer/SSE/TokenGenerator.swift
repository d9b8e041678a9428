/// A mock language model: an endless answer made of sentences picked at random, emitted
/// one word (a "token") at a time, with paragraph breaks, so a dashboard panel reads like
/// an LLM answer being typed. Deterministic for a seed, and small (24 octets of state),
/// so a stream's history can hold it and resume the same answer after a reconnect.
public struct TokenGenerator: Sendable, Hashable {
    /// xorshift64* state (never 0).
    private var state: UInt64
    /// The sentence being emitted and the next word in it; `word == count` means "pick the
    /// next sentence".
    private var sentence: UInt16
    private var word: UInt16
    /// Sentences left before a paragraph break.
    private var sentencesLeft: UInt8
    /// The next word starts a paragraph (no leading space).
    private var paragraphStart: Bool

    public init(seed: UInt64) {
        // SplitMix64 finaliser: nearby seeds (stream 1, 2, 3) give unrelated answers.
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        state = z == 0 ? 0x2545_F491_4F6C_DD1D : z
        sentence = 0
        word = 0
        sentencesLeft = 0
        paragraphStart = true
        startSentence()
        sentencesLeft = UInt8(2 + random(below: 3))
    }

    /// The seed for a stream key (FNV-1a of its UTF-8 octets).
    public static func seed(for key: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01B3
        }
        return hash
    }

    /// The next token, as an index into `Vocabulary.tokens`.
    public mutating func next() -> UInt16 {
        let words = Vocabulary.sentences[Int(sentence)]
        if Int(word) >= words.count {
            sentencesLeft &-= 1
            if sentencesLeft == 0 {
                sentencesLeft = UInt8(2 + random(below: 3))
                paragraphStart = true
                startSentence()
                return Vocabulary.paragraphBreak
            }
            startSentence()
        }
        let wordID = Vocabulary.sentences[Int(sentence)][Int(word)]
        word += 1
        let token = paragraphStart ? Vocabulary.bare(wordID) : Vocabulary.spaced(wordID)
        paragraphStart = false
        return token
    }

    private mutating func startSentence() {
        sentence = UInt16(random(below: UInt64(Vocabulary.sentences.count)))
        word = 0
    }

    private mutating func random(below bound: UInt64) -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return (state &* 0x2545_F491_4F6C_DD1D) % bound
    }
}

/// The words the mock model knows. Token `2w` is word `w` alone, `2w+1` the word with a
/// leading space; the last token is a paragraph break ("\n\n", sent as three `data:` lines).
public enum Vocabulary {
    static let text: [String] = [
        "A browser opens at most six HTTP/1.1 connections to one origin.",
        "The seventh event stream waits in the queue, pending, while the server sits idle.",
        "HTTP/2 carries every stream over a single TLS connection.",
        "Each event is a small DATA frame on its own stream.",
        "The server flushes every event at once, so the first token arrives within milliseconds.",
        "ALPN lets the client and the server agree on h2 during the TLS handshake.",
        "SETTINGS_MAX_CONCURRENT_STREAMS says how many streams may be open at the same time.",
        "Flow control gives each stream a window of octets it may receive.",
        "When a panel is stopped, the browser resets its stream and the generator is cancelled.",
        "HPACK compresses the headers, so a new stream costs only a few octets.",
        "Server-Sent Events reconnect by themselves and resume from the last event id.",
        "A comment line keeps idle proxies from closing the connection.",
        "Streams are multiplexed, interleaved frame by frame, and none of them blocks the others.",
        "The dashboard counts live streams, pending streams and events per second.",
        "Tokens arrive one by one, like an answer being typed.",
        "Nothing here is buffered: each write goes to the socket as soon as the window allows.",
        "A stream that ends early frees its slot for the next request.",
        "One connection, one handshake, one congestion window for all streams.",
        "The engine is sans-IO: bytes in, events out, and the caller owns the socket.",
        "Back-pressure flows from the socket to the handler through suspended writes.",
        "RFC 9113 describes the frames, the streams and the flow control of HTTP/2.",
        "The WHATWG HTML standard defines the text/event-stream format.",
        "Every resource a peer can make the server hold has a budget.",
        "Over HTTP/1.1 the same page shows six panels typing and the rest waiting.",
    ]

    /// Distinct words, in order of first appearance.
    static let words: [String] = {
        var seen: [String: Int] = [:]
        var list: [String] = []
        for sentence in text {
            for word in sentence.split(separator: " ") where seen[String(word)] == nil {
                seen[String(word)] = list.count
                list.append(String(word))
            }
        }
        return list
    }()

    /// Each sentence as word ids.
    static let sentences: [[UInt16]] = {
        var index: [String: UInt16] = [:]
        for (position, word) in words.enumerated() { index[word] = UInt16(position) }
        return text.map { sentence in sentence.split(separator: " ").map { index[String($0)] ?? 0 } }
    }()

    /// Every token's text.
    public static let tokens: [String] = {
        var list: [String] = []
        list.reserveCapacity(words.count * 2 + 1)
        for word in words {
            list.append(word)
            list.append(" " + word)
        }
        list.append("\n\n")
        return list
    }()

    public static var paragraphBreak: UInt16 { UInt16(words.count * 2) }

    static func bare(_ word: UInt16) -> UInt16 { word &* 2 }
    static func spaced(_ word: UInt16) -> UInt16 { word &* 2 &+ 1 }

    /// The text of a token (an unknown index gives "").
    public static func token(_ index: UInt16) -> String {
        Int(index) < tokens.count ? tokens[Int(index)] : ""
    }
}
