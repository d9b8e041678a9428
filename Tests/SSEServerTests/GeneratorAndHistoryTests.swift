import Testing
@testable import SSEServer

@Suite("Mock token generator")
struct TokenGeneratorTests {
    @Test("deterministic for a seed; different seeds give different answers")
    func deterministic() {
        var a = TokenGenerator(seed: 1)
        var b = TokenGenerator(seed: 1)
        var c = TokenGenerator(seed: 2)
        let first = (0..<200).map { _ in a.next() }
        #expect(first == (0..<200).map { _ in b.next() })
        #expect(first != (0..<200).map { _ in c.next() })
    }

    @Test("tokens are words with a leading space, except at a paragraph's start; paragraphs break")
    func readsLikeText() {
        var generator = TokenGenerator(seed: TokenGenerator.seed(for: "7"))
        var text = ""
        var breaks = 0
        var previousWasBreak = true
        for _ in 0..<2000 {
            let token = generator.next()
            #expect(Int(token) < Vocabulary.tokens.count)
            let word = Vocabulary.token(token)
            if token == Vocabulary.paragraphBreak {
                breaks += 1
                #expect(!previousWasBreak)
                previousWasBreak = true
            } else {
                #expect(word.hasPrefix(" ") != previousWasBreak, "\(word.debugDescription) after a break: \(previousWasBreak)")
                previousWasBreak = false
            }
            text += word
        }
        #expect(breaks > 10)
        #expect(text.hasPrefix(Vocabulary.text.map { String($0.split(separator: " ")[0]) }.first { text.hasPrefix($0) } ?? "?"))
        #expect(text.contains(". "))
    }

    @Test("the vocabulary fits token indices in 16 bits")
    func vocabularySize() {
        #expect(Vocabulary.tokens.count < Int(UInt16.max))
        #expect(Vocabulary.token(Vocabulary.paragraphBreak) == "\n\n")
        #expect(Vocabulary.token(UInt16.max) == "")
    }
}

@Suite("Per-stream history and Last-Event-ID resume")
struct HistoryTests {
    @Test("replay gives the events after the client's last id, oldest first")
    func replay() {
        let history = SessionHistory(session: 5, key: "k", seed: 9, capacity: 8)
        var tokens: [UInt16] = []
        for expected in 1...5 as ClosedRange<UInt64> {
            let (sequence, token) = history.advance()
            #expect(sequence == expected)
            tokens.append(token)
        }
        let (events, gap) = history.replay(after: 2)
        #expect(events.map(\.sequence) == [3, 4, 5])
        #expect(events.map(\.token) == Array(tokens[2...]))
        #expect(!gap)
        #expect(history.replay(after: 5).events.isEmpty)
        #expect(history.replay(after: 99).events.isEmpty)
    }

    @Test("the history is bounded: older events are gone, and the gap is reported")
    func bounded() {
        let history = SessionHistory(session: 1, key: "k", seed: 1, capacity: 4)
        var tokens: [UInt16] = []
        for _ in 0..<10 { tokens.append(history.advance().token) }
        let (events, gap) = history.replay(after: 2)
        #expect(events.map(\.sequence) == [7, 8, 9, 10])
        #expect(events.map(\.token) == Array(tokens[6...]))
        #expect(gap)
        #expect(history.replay(after: 6) .gap == false)
        #expect(history.replay(after: 0).events.count == 4)
    }

    @Test("a resumed session continues the same answer as if never interrupted")
    func continuesTheAnswer() {
        let store = HistoryStore(capacity: 10, eventsPerSession: 16, firstSession: 100)
        guard case .fresh(let session) = store.start(key: "3", lastEventID: nil) else {
            Issue.record("expected a fresh session")
            return
        }
        #expect(session.session == 100)
        for _ in 0..<6 { _ = session.advance() }
        guard case .resumed(let again, let replay, let gap) = store.start(key: "3", lastEventID: EventID(session: 100, sequence: 4)) else {
            Issue.record("expected a resumed session")
            return
        }
        #expect(again === session)
        #expect(replay.map(\.sequence) == [5, 6])
        #expect(!gap)
        // The generator's sequence is the same as one that never stopped.
        var reference = TokenGenerator(seed: TokenGenerator.seed(for: "3") ^ 100)
        let expected = (0..<10).map { _ in reference.next() }
        let rest = (0..<4).map { _ in again.advance().token }
        #expect(Array(expected[6..<10]) == rest)
    }

    @Test("an unknown session starts a new answer")
    func unknownSession() {
        let store = HistoryStore(capacity: 10, eventsPerSession: 16, firstSession: 1)
        guard case .fresh(let session) = store.start(key: "x", lastEventID: EventID(session: 77, sequence: 3)) else {
            Issue.record("expected a fresh session")
            return
        }
        #expect(session.session == 1)
    }

    @Test("the store keeps at most `capacity` sessions, forgetting the oldest")
    func storeBounded() {
        let store = HistoryStore(capacity: 3, eventsPerSession: 2, firstSession: 10)
        let sessions = (0..<5).map { store.makeSession(key: String($0)) }
        #expect(store.count == 3)
        #expect(store.session(10) == nil)
        #expect(store.session(11) == nil)
        #expect(store.session(12) === sessions[2])
        #expect(store.session(14) === sessions[4])
        for index in 0..<3000 { _ = store.makeSession(key: String(index)) }
        #expect(store.count == 3)
    }
}
