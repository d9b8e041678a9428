/// A flow-control window (RFC 9113 §5.2, §6.9): octets a sender may still send.
///
/// It may go negative when SETTINGS_INITIAL_WINDOW_SIZE shrinks (§6.9.2) and must never
/// exceed 2^31-1 (§6.9.1).
public struct FlowWindow: Sendable, Hashable, CustomStringConvertible {
    /// The largest window, 2^31-1 (§6.9.1).
    public static let maximum = Int(Int32.max)
    /// The window every stream and the connection start with (§6.9.2).
    public static let defaultSize = 65_535

    public private(set) var size: Int

    public init(_ size: Int = FlowWindow.defaultSize) { self.size = size }

    /// Adds a WINDOW_UPDATE increment or a SETTINGS delta; false (and no change) when the
    /// result would exceed 2^31-1 (§6.9.1, §6.9.2).
    @discardableResult
    public mutating func increase(by delta: Int) -> Bool {
        let result = size + delta
        guard result <= FlowWindow.maximum else { return false }
        size = result
        return true
    }

    /// Takes `octets` of flow-controlled payload out of the window.
    public mutating func consume(_ octets: Int) { size -= octets }

    public var description: String { String(size) }
}
