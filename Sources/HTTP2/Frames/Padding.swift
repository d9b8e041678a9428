/// Strips the optional Pad Length field and padding shared by DATA, HEADERS and
/// PUSH_PROMISE (RFC 9113 §6.1, §6.2, §6.6).
enum Padding {
    /// Returns the pad length (nil when PADDED is not set) and the payload between the
    /// Pad Length field and the padding. `fixedLength` is the size of the mandatory
    /// fields that follow the Pad Length field (5 for HEADERS with PRIORITY, 4 for
    /// PUSH_PROMISE, else 0); the result always holds at least that many bytes.
    ///
    /// Errors, all connection errors because these frames change connection state
    /// (field compression state, or the connection flow-control window for DATA):
    /// - too short for the Pad Length field and the fixed fields: FRAME_SIZE_ERROR (§4.2);
    /// - padding as long as the payload or longer: PROTOCOL_ERROR (§6.1, §6.2, §6.6);
    /// - padding that would overlap the fixed fields: PROTOCOL_ERROR (same rule, the
    ///   padding does not fit in the payload).
    ///
    /// Padding octets are not checked for zero: RFC 9113 §6.1 makes that optional.
    @inline(__always)
    static func strip(
        _ payload: BorrowedBytes, padded: Bool, fixedLength: Int
    ) throws(HTTP2Error) -> (padLength: UInt8?, body: BorrowedBytes) {
        let length = payload.count
        guard padded else {
            guard length >= fixedLength else {
                throw .connection(.frameSizeError, "frame too short for its fixed fields")
            }
            return (nil, payload)
        }
        guard length >= 1 + fixedLength else {
            throw .connection(.frameSizeError, "padded frame too short for its fixed fields")
        }
        let padLength = payload.uint8(at: 0)
        // RFC 9113 §6.1/§6.2/§6.6: padding the length of the payload or greater.
        guard Int(padLength) < length else {
            throw .connection(.protocolError, "pad length reaches the frame payload length")
        }
        guard 1 + fixedLength + Int(padLength) <= length else {
            throw .connection(.protocolError, "padding overlaps the frame's fixed fields")
        }
        return (padLength, payload.slice(1, length - Int(padLength)))
    }
}
