// Frames laid out by hand (RFC 9113 §4.1), so that the inputs of every benchmark are the same
// bytes for both libraries and do not depend on the writer under test.

/// Frame type codes (RFC 9113 §6).
public enum WireType: UInt8 {
    case data = 0x0, headers = 0x1, rstStream = 0x3, settings = 0x4, ping = 0x6, windowUpdate = 0x8
}

/// Flag bits (RFC 9113 §6).
public enum WireFlag {
    public static let endStream: UInt8 = 0x1
    public static let ack: UInt8 = 0x1
    public static let endHeaders: UInt8 = 0x4
}

extension Array where Element == UInt8 {
    mutating func appendUInt32(_ value: UInt32) {
        append(UInt8(truncatingIfNeeded: value >> 24))
        append(UInt8(truncatingIfNeeded: value >> 16))
        append(UInt8(truncatingIfNeeded: value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    /// Appends a 9-octet frame header.
    mutating func appendFrameHeader(length: Int, type: WireType, flags: UInt8, stream: UInt32) {
        append(UInt8(truncatingIfNeeded: length >> 16))
        append(UInt8(truncatingIfNeeded: length >> 8))
        append(UInt8(truncatingIfNeeded: length))
        append(type.rawValue)
        append(flags)
        appendUInt32(stream & 0x7FFF_FFFF)
    }

    /// Appends a whole frame.
    mutating func appendFrame(_ type: WireType, flags: UInt8 = 0, stream: UInt32 = 0, payload: [UInt8] = []) {
        appendFrameHeader(length: payload.count, type: type, flags: flags, stream: stream)
        append(contentsOf: payload)
    }

    mutating func appendPing(_ opaque: UInt64, ack: Bool) {
        appendFrameHeader(length: 8, type: .ping, flags: ack ? WireFlag.ack : 0, stream: 0)
        appendUInt32(UInt32(truncatingIfNeeded: opaque >> 32))
        appendUInt32(UInt32(truncatingIfNeeded: opaque))
    }

    mutating func appendWindowUpdate(stream: UInt32, increment: UInt32) {
        appendFrameHeader(length: 4, type: .windowUpdate, flags: 0, stream: stream)
        appendUInt32(increment)
    }

    mutating func appendRSTStream(stream: UInt32, code: UInt32) {
        appendFrameHeader(length: 4, type: .rstStream, flags: 0, stream: stream)
        appendUInt32(code)
    }

    mutating func appendSettings(_ settings: [(UInt16, UInt32)]) {
        appendFrameHeader(length: 6 * settings.count, type: .settings, flags: 0, stream: 0)
        for (identifier, value) in settings {
            append(UInt8(truncatingIfNeeded: identifier >> 8))
            append(UInt8(truncatingIfNeeded: identifier))
            appendUInt32(value)
        }
    }

    mutating func appendSettingsAck() {
        appendFrameHeader(length: 0, type: .settings, flags: WireFlag.ack, stream: 0)
    }
}

/// The client connection preface (RFC 9113 §3.4).
public let clientMagic: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

/// Setting identifiers used here (RFC 9113 §6.5.2).
enum SettingID {
    static let headerTableSize: UInt16 = 0x1
    static let enablePush: UInt16 = 0x2
    static let maxConcurrentStreams: UInt16 = 0x3
    static let initialWindowSize: UInt16 = 0x4
    static let maxFrameSize: UInt16 = 0x5
}

/// Counts the frames in `bytes` by their headers alone (a check that does not use either
/// library's reader): (frames, frames of `type`, frames of `type` with `flag`).
public func countFrames(_ bytes: [UInt8], type: WireType? = nil, flag: UInt8 = 0) -> (all: Int, ofType: Int, withFlag: Int) {
    var offset = 0
    var all = 0, ofType = 0, withFlag = 0
    while offset + 9 <= bytes.count {
        let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
        all += 1
        if let type, bytes[offset + 3] == type.rawValue {
            ofType += 1
            if flag != 0 && bytes[offset + 4] & flag == flag { withFlag += 1 }
        }
        offset += 9 + length
    }
    require(offset == bytes.count, "the bytes do not end on a frame boundary")
    return (all, ofType, withFlag)
}

/// A check that reports its message in release builds too (unlike `precondition`).
@inline(__always)
public func require(_ condition: Bool, _ message: @autoclosure () -> String = "check failed",
                    file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("\(file):\(line): \(message())") }
}
