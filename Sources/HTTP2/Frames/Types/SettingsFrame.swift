/// SETTINGS (type 0x4): configuration of the sender, or the acknowledgment of the
/// peer's SETTINGS (RFC 9113 §6.5).
public struct SettingsFrame: Equatable {
    /// ACK (0x01): acknowledges the peer's SETTINGS; the payload is then empty.
    public var ack: Bool
    /// The settings in wire order; empty for an acknowledgment.
    public var settings: SettingsList

    /// A frame with these fields, e.g. to hand to `FrameWriter.write(_:)`.
    public init(ack: Bool = false, settings: SettingsList = SettingsList(BorrowedBytes())) {
        self.ack = ack
        self.settings = settings
    }

    /// Parses a SETTINGS payload. `payload` is exactly `header.length` bytes.
    /// Every error is a connection error: SETTINGS changes connection state (§4.2, §6.5).
    public static func parse(_ header: FrameHeader, _ payload: BorrowedBytes) throws(HTTP2Error) -> SettingsFrame {
        // RFC 9113 §6.5: SETTINGS on a stream other than 0 is a connection error PROTOCOL_ERROR.
        guard header.streamID.isConnection else {
            throw .connection(.protocolError, "SETTINGS on a non-zero stream")
        }
        let ack = header.flags.contains(.ack)
        if ack {
            // RFC 9113 §6.5: ACK with a non-empty payload is a connection error FRAME_SIZE_ERROR.
            guard payload.isEmpty else {
                throw .connection(.frameSizeError, "SETTINGS ACK with a payload")
            }
            return SettingsFrame(ack: true)
        }
        // RFC 9113 §6.5: a length that is not a multiple of 6 is a connection error FRAME_SIZE_ERROR.
        guard payload.count % Setting.size == 0 else {
            throw .connection(.frameSizeError, "SETTINGS length is not a multiple of 6")
        }
        let settings = SettingsList(payload)
        // RFC 9113 §6.5.2: value ranges of the defined settings.
        for setting in settings {
            try setting.validate()
        }
        return SettingsFrame(ack: false, settings: settings)
    }

    func serialize(into buffer: inout [UInt8]) {
        buffer.appendFrameHeader(
            length: settings.bytes.count, type: .settings, flags: ack ? .ack : [], streamID: .connection)
        buffer.appendBytes(settings.bytes.base)
    }
}
