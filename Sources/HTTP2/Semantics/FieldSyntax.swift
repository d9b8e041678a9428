import HPACK

/// Byte-level checks on field names and values (RFC 9113 §8.2, §8.2.1), on borrowed bytes,
/// without allocating. Everything here is total: any input gives an answer, none traps.
enum FieldSyntax {
    /// Character classes, one bit each, looked up per byte in `byteClasses`.
    struct ByteClass: OptionSet {
        let rawValue: UInt8
        /// RFC 9110 §5.6.2 `tchar` without uppercase letters: a field name octet
        /// (RFC 9110 §5.1; RFC 9113 §8.2.1 forbids uppercase).
        static let lowercaseToken = ByteClass(rawValue: 1)
        /// RFC 9110 §5.6.2 `tchar`, any case: methods and `:protocol` values.
        static let token = ByteClass(rawValue: 2)
        /// RFC 3986 §3.1 scheme octets: ALPHA / DIGIT / "+" / "-" / ".".
        static let scheme = ByteClass(rawValue: 4)
        /// RFC 9110 §5.5 field value octets: VCHAR / obs-text / SP / HTAB.
        static let value = ByteClass(rawValue: 8)
    }

    /// For each byte 0...255, the `ByteClass` bits it belongs to plus 0x40 (so the table is
    /// printable ASCII). A constant in the binary: no lazy initialization, no bounds check.
    /// The tests check every byte against the grammar.
    @inline(__always)
    static var byteClasses: StaticString {
        """
        @@@@@@@@@H@@@@@@@@@@@@@@@@@@@@@@HKHKKKKKHHKOHOOHOOOOOOOOOOHHHHHH\
        HNNNNNNNNNNNNNNNNNNNNNNNNNNHHHKKKOOOOOOOOOOOOOOOOOOOOOOOOOOHKHK@\
        HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH\
        HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH
        """
    }

    /// True when `byte` is in `byteClass`.
    @inline(__always)
    static func isIn(_ byte: UInt8, _ byteClass: ByteClass) -> Bool {
        byteClasses.utf8Start[Int(byte)] & byteClass.rawValue != 0
    }

    /// True when there is at least one byte and every byte is in `byteClass`. No early
    /// exit: names and tokens are short, and a branch-free loop is faster.
    @inline(__always)
    static func allIn(_ bytes: UnsafeRawBufferPointer, _ byteClass: ByteClass) -> Bool {
        if bytes.isEmpty { return false }
        let table = byteClasses.utf8Start
        var common: UInt8 = 0xFF
        for byte in bytes { common &= table[Int(byte)] }
        return common & byteClass.rawValue != 0
    }

    /// True when no byte is below 0x20 or equal to 0x7F: the common case of a field value,
    /// checked eight bytes at a time (SWAR; both tests are exact "any byte" tests).
    @inline(__always)
    static func hasNoControlBytes(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always)
        func clean(_ word: UInt64) -> Bool {
            let below20 = (word &- ones &* 0x20) & ~word & highs  // some byte < 0x20
            let xorDEL = word ^ (ones &* 0x7F)
            let isDEL = (xorDEL &- ones) & ~xorDEL & highs  // some byte == 0x7F
            return below20 | isDEL == 0
        }
        let count = bytes.count
        guard count >= 8 else {
            for byte in bytes where byte < 0x20 || byte == 0x7F { return false }
            return true
        }
        var offset = 0
        while offset &+ 8 < count {
            if !clean(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) { return false }
            offset &+= 8
        }
        // The last 8 bytes, overlapping bytes already seen: harmless for an "any byte" test.
        return clean(bytes.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
    }

    /// True for a byte RFC 9110 §5.5 allows inside a field value: VCHAR, obs-text, SP, HTAB.
    @inline(__always)
    static func isValueByte(_ byte: UInt8) -> Bool { isIn(byte, .value) }

    /// True for ASCII SP or HTAB.
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// A regular field name: a non-empty lowercase token (RFC 9113 §8.2.1, RFC 9110 §5.1).
    @inline(__always)
    static func isValidRegularName(_ name: UnsafeRawBufferPointer) -> Bool {
        allIn(name, .lowercaseToken)
    }

    /// The error for a name that failed the fast check, with the most useful reason.
    static func nameError(_ name: UnsafeRawBufferPointer, index: Int) -> MessageError {
        if name.isEmpty {
            return MessageError(.invalidFieldName, "empty field name", fieldIndex: index)
        }
        for byte in name {
            if byte >= 0x41 && byte <= 0x5A {
                // RFC 9113 §8.2: names MUST be lowercase in HTTP/2.
                return MessageError(.invalidFieldName, "uppercase character in field name", fieldIndex: index)
            }
        }
        for byte in name {
            if byte <= 0x20 || byte >= 0x7F {
                // RFC 9113 §8.2.1: 0x00-0x20 and 0x7f-0xff are forbidden in names.
                return MessageError(.invalidFieldName, "control, space or non-ASCII byte in field name",
                                    fieldIndex: index)
            }
        }
        for byte in name where byte == 0x3A {
            // RFC 9113 §8.2.1: only a pseudo-header name starts with a (single) colon.
            return MessageError(.invalidFieldName, "colon in field name", fieldIndex: index)
        }
        // RFC 9110 §5.1: a name is a token; §8.2.1 says SHOULD validate it, we do.
        return MessageError(.invalidFieldName, "field name is not a token", fieldIndex: index)
    }

    /// A field value (RFC 9113 §8.2.1 minimal rules, plus the RFC 9110 §5.5 grammar the
    /// section says SHOULD be checked: no control byte other than HTAB, no DEL).
    /// `valueError` gives the reason when this is false.
    @inline(__always)
    static func isValidValue(_ value: UnsafeRawBufferPointer) -> Bool {
        guard let first = value.first, let last = value.last else { return true }  // empty is valid
        if isWhitespace(first) || isWhitespace(last) { return false }
        if hasNoControlBytes(value) { return true }
        // Rare: some byte below 0x20 or DEL; HTAB is the only one allowed inside.
        for byte in value where !isValueByte(byte) { return false }
        return true
    }

    static func valueError(_ value: UnsafeRawBufferPointer, index: Int) -> MessageError {
        for byte in value where byte == 0x00 || byte == 0x0A || byte == 0x0D {
            // RFC 9113 §8.2.1: NUL, LF and CR are forbidden at any position.
            return MessageError(.invalidFieldValue, "NUL, CR or LF in field value", fieldIndex: index)
        }
        for byte in value where !isValueByte(byte) {
            // RFC 9110 §5.5: other control bytes and DEL are not field-content.
            return MessageError(.invalidFieldValue, "control byte in field value", fieldIndex: index)
        }
        // RFC 9113 §8.2.1: no leading or trailing SP or HTAB.
        return MessageError(.invalidFieldValue, "leading or trailing whitespace in field value", fieldIndex: index)
    }

    /// True when `bytes` equals the ASCII `literal` exactly.
    @inline(__always)
    static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let start = literal.utf8Start
        for offset in 0..<count where bytes[offset] != start[offset] { return false }
        return true
    }

    /// True when `bytes` equals the lowercase ASCII `literal`, ignoring ASCII case.
    @inline(__always)
    static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard bytes.count == count else { return false }
        let start = literal.utf8Start
        for offset in 0..<count where lowercased(bytes[offset]) != start[offset] { return false }
        return true
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    /// True when `bytes` contains `byte`.
    @inline(__always)
    static func contains(_ bytes: UnsafeRawBufferPointer, _ byte: UInt8) -> Bool {
        for candidate in bytes where candidate == byte { return true }
        return false
    }

    /// True when `bytes` contains SP or HTAB (the generic value check already rejected
    /// every other control byte).
    @inline(__always)
    static func containsWhitespace(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always)
        func hasWhitespace(_ word: UInt64) -> Bool {
            // "Some byte is zero" tests (exact) on the word XOR SP and XOR HTAB.
            let xorSP = word ^ (ones &* 0x20)
            let xorTab = word ^ (ones &* 0x09)
            return ((xorSP &- ones) & ~xorSP | (xorTab &- ones) & ~xorTab) & highs != 0
        }
        let count = bytes.count
        guard count >= 8 else {
            for byte in bytes where isWhitespace(byte) { return true }
            return false
        }
        var offset = 0
        while offset &+ 8 < count {
            if hasWhitespace(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) { return true }
            offset &+= 8
        }
        // The last 8 bytes, overlapping bytes already seen: harmless for an "any byte" test.
        return hasWhitespace(bytes.loadUnaligned(fromByteOffset: count &- 8, as: UInt64.self))
    }
}

/// The regular fields the validator looks at by name. Anything else is `.other`.
enum KnownField {
    case other
    /// connection, proxy-connection, keep-alive, transfer-encoding, upgrade (§8.2.2).
    case connectionSpecific
    case te
    case contentLength
    case host

    /// Classifies a (valid, lowercase) regular field name; a switch on the length first,
    /// so most names cost one comparison or none.
    @inline(__always)
    init(name: UnsafeRawBufferPointer) {
        switch name.count {
        case 2:
            self = FieldSyntax.equals(name, "te") ? .te : .other
        case 4:
            self = FieldSyntax.equals(name, "host") ? .host : .other
        case 7:
            self = FieldSyntax.equals(name, "upgrade") ? .connectionSpecific : .other
        case 10:
            self = FieldSyntax.equals(name, "connection") || FieldSyntax.equals(name, "keep-alive")
                ? .connectionSpecific : .other
        case 14:
            self = FieldSyntax.equals(name, "content-length") ? .contentLength : .other
        case 16:
            self = FieldSyntax.equals(name, "proxy-connection") ? .connectionSpecific : .other
        case 17:
            self = FieldSyntax.equals(name, "transfer-encoding") ? .connectionSpecific : .other
        default:
            self = .other
        }
    }
}

/// The pseudo-header fields RFC 9113 §8.3 and RFC 8441 §4 define.
enum PseudoHeader {
    case method, scheme, authority, path, `protocol`, status

    /// Recognizes a name that starts with ':'; nil for an undefined pseudo-header.
    @inline(__always)
    init?(name: UnsafeRawBufferPointer) {
        switch name.count {
        case 5 where FieldSyntax.equals(name, ":path"): self = .path
        case 7 where FieldSyntax.equals(name, ":method"): self = .method
        case 7 where FieldSyntax.equals(name, ":scheme"): self = .scheme
        case 7 where FieldSyntax.equals(name, ":status"): self = .status
        case 9 where FieldSyntax.equals(name, ":protocol"): self = .protocol
        case 10 where FieldSyntax.equals(name, ":authority"): self = .authority
        default: return nil
        }
    }
}

/// Checks shared by every kind of field block for one regular field: name syntax, value
/// syntax and the connection-specific rules (RFC 9113 §8.2.1, §8.2.2).
///
/// `provenance` says which parts are copies of bytes that already passed the syntax checks
/// (a static table entry, or a dynamic table entry checked before: see `FieldProvenance`);
/// only those syntax checks are skipped. The connection-specific rules always apply.
@inline(__always)
func checkRegularField(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer,
                       index: Int, provenance: FieldProvenance = []) throws(MessageError) -> KnownField {
    if !provenance.contains(.checkedName) {
        guard FieldSyntax.isValidRegularName(name) else { throw FieldSyntax.nameError(name, index: index) }
    }
    if !provenance.contains(.checkedValue) {
        guard FieldSyntax.isValidValue(value) else { throw FieldSyntax.valueError(value, index: index) }
    }
    let known = KnownField(name: name)
    switch known {
    case .connectionSpecific:
        // RFC 9113 §8.2.2: connection-specific fields make the message malformed.
        throw MessageError(.connectionSpecificField, "connection-specific field", fieldIndex: index)
    case .te:
        // RFC 9113 §8.2.2: TE MUST NOT contain any value other than "trailers". TE values
        // are transfer-codings, which are case-insensitive (RFC 9110 §10.1.4, RFC 9112 §7),
        // so "Trailers" is the same value and is accepted; lists ("trailers, gzip") are not.
        if !FieldSyntax.equalsIgnoringCase(value, "trailers") {
            throw MessageError(.connectionSpecificField, "te other than \"trailers\"", fieldIndex: index)
        }
    case .other, .contentLength, .host:
        break
    }
    return known
}

/// The checks on a pseudo-header field before its meaning is looked at: it must come
/// before every regular field (§8.3), and its value obeys §8.2.1 like any other.
@inline(__always)
func checkPseudoField(_ name: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, index: Int,
                      afterRegularField: Bool, provenance: FieldProvenance = []) throws(MessageError) -> PseudoHeader? {
    if afterRegularField {
        // RFC 9113 §8.3: all pseudo-header fields MUST precede the regular fields.
        throw MessageError(.pseudoHeaderAfterRegularField, "pseudo-header field after a regular field",
                           fieldIndex: index)
    }
    if !provenance.contains(.checkedValue) {
        guard FieldSyntax.isValidValue(value) else { throw FieldSyntax.valueError(value, index: index) }
    }
    return PseudoHeader(name: name)
}
