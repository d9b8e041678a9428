/// Parsing of content-length values (RFC 9113 §8.1.1, RFC 9110 §8.6).
enum ContentLength {
    /// Parses one content-length field value into `current`.
    ///
    /// RFC 9110 §8.6: `Content-Length = 1*DIGIT`, no sign, no fraction. A recipient may
    /// see a list of identical values ("42, 42", or the same value in several fields)
    /// and MAY accept it as that one value; we do, and treat any other list, any empty
    /// list element, any other byte, or a value beyond Int64 (Int on 64-bit platforms)
    /// as malformed. `current` is the value of earlier content-length fields, if any:
    /// a different value here is malformed too.
    static func parse(_ value: UnsafeRawBufferPointer, into current: inout Int?, index: Int) throws(MessageError) {
        var position = 0
        let count = value.count
        repeat {
            // One list element: OWS 1*DIGIT OWS (RFC 9110 §5.6.1, §5.6.3).
            while position < count && FieldSyntax.isWhitespace(value[position]) { position += 1 }
            var number = 0
            var digits = 0
            while position < count {
                let byte = value[position]
                guard byte >= 0x30 && byte <= 0x39 else { break }
                let (times10, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times10.addingReportingOverflow(Int(byte &- 0x30))
                if overflow1 || overflow2 {
                    throw MessageError(.invalidContentLength, "content-length too large", fieldIndex: index)
                }
                number = sum
                digits += 1
                position += 1
            }
            while position < count && FieldSyntax.isWhitespace(value[position]) { position += 1 }
            guard digits > 0 else {
                throw MessageError(.invalidContentLength, "content-length is not a decimal number", fieldIndex: index)
            }
            if position < count {
                guard value[position] == 0x2C else {  // ','
                    throw MessageError(.invalidContentLength, "content-length is not a decimal number",
                                       fieldIndex: index)
                }
                position += 1
                if position == count {
                    throw MessageError(.invalidContentLength, "content-length list ends with a comma",
                                       fieldIndex: index)
                }
            }
            if let current, current != number {
                throw MessageError(.invalidContentLength, "conflicting content-length values", fieldIndex: index)
            }
            current = number
        } while position < count
    }
}

/// Counts the DATA octets of one message against its content-length (RFC 9113 §8.1.1).
///
/// RFC 9113 §8.1.1: a request or response is malformed when the value of its
/// content-length does not equal the sum of the DATA frame payload lengths that form the
/// content. Feed it the DATA payload length *without padding* (padding counts for flow
/// control, §6.9.1, but is not content), call `receive` for each DATA frame and `finish`
/// when END_STREAM arrives. `expected == nil` means "no content-length to hold to" (it
/// still counts). A message defined as having no content (a response to HEAD, 204, 304,
/// §8.1.1) expects 0, whatever its content-length says: `ResponseHead.contentLengthCheck`
/// builds the right one.
public struct ContentLengthCheck: Hashable, Sendable {
    /// The number of content octets the message announced, nil when it set no limit.
    public let expected: Int?
    /// Content octets received so far (saturates at `Int.max`).
    public private(set) var received: Int = 0
    /// The true total went past `Int.max`: more than any `expected`.
    private var overflowed = false

    /// Starts counting for a message whose content-length is `expected` (nil: none).
    /// A negative `expected` is treated as 0.
    public init(expected: Int?) {
        self.expected = expected.map { max($0, 0) }
    }

    /// Adds one DATA frame's payload length. Returns false once the total is more than
    /// `expected`: the message is malformed and the stream must be reset with
    /// PROTOCOL_ERROR. A negative `octets` is a caller bug and also returns false.
    @discardableResult
    public mutating func receive(_ octets: Int) -> Bool {
        guard octets >= 0 else { return false }
        let (sum, overflow) = received.addingReportingOverflow(octets)
        if overflow { overflowed = true }
        received = overflow ? Int.max : sum
        guard let expected else { return true }
        return !overflowed && received <= expected
    }

    /// True when exactly `expected` octets arrived (always true without `expected`).
    public var isComplete: Bool {
        guard let expected else { return true }
        return !overflowed && received == expected
    }

    /// To call at END_STREAM: false when fewer (or more) octets arrived than announced.
    public func finish() -> Bool { isComplete }

    /// The error to report when `receive` or `finish` returned false.
    public var mismatchError: MessageError {
        MessageError(.contentLengthMismatch, "DATA length differs from content-length")
    }
}
