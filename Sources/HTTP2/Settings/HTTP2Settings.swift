/// The values of the SETTINGS parameters (RFC 9113 §6.5.2, RFC 8441 §3, RFC 9218 §2.1).
/// An endpoint has two sets: the one it advertises (what the peer must respect once it
/// acknowledged it) and the peer's.
public struct HTTP2Settings: Sendable, Hashable {
    /// SETTINGS_HEADER_TABLE_SIZE: the HPACK table the sender's decoder allows.
    public var headerTableSize: Int = 4096
    /// SETTINGS_ENABLE_PUSH.
    public var enablePush: Bool = true
    /// SETTINGS_MAX_CONCURRENT_STREAMS; nil for no limit (the initial value, §6.5.2).
    public var maxConcurrentStreams: Int? = nil
    /// SETTINGS_INITIAL_WINDOW_SIZE.
    public var initialWindowSize: Int = FlowWindow.defaultSize
    /// SETTINGS_MAX_FRAME_SIZE.
    public var maxFrameSize: Int = FrameReader.defaultMaxFrameSize
    /// SETTINGS_MAX_HEADER_LIST_SIZE; nil for no limit (the initial value, §6.5.2).
    public var maxHeaderListSize: Int? = nil
    /// SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441).
    public var enableConnectProtocol: Bool = false
    /// SETTINGS_NO_RFC7540_PRIORITIES (RFC 9218).
    public var noRFC7540Priorities: Bool = false

    /// The initial values every connection starts from (§6.5.2).
    public static let initial = HTTP2Settings()

    public init() {}

    public init(maxConcurrentStreams: Int? = nil, initialWindowSize: Int = FlowWindow.defaultSize,
                maxFrameSize: Int = FrameReader.defaultMaxFrameSize, maxHeaderListSize: Int? = nil,
                headerTableSize: Int = 4096, enablePush: Bool = true, enableConnectProtocol: Bool = false,
                noRFC7540Priorities: Bool = false) {
        self.maxConcurrentStreams = maxConcurrentStreams
        self.initialWindowSize = initialWindowSize
        self.maxFrameSize = maxFrameSize
        self.maxHeaderListSize = maxHeaderListSize
        self.headerTableSize = headerTableSize
        self.enablePush = enablePush
        self.enableConnectProtocol = enableConnectProtocol
        self.noRFC7540Priorities = noRFC7540Priorities
    }

    /// Applies one received setting, after `Setting.validate()` (§6.5.3: in order, the
    /// last value wins). Unknown identifiers are ignored (§6.5.2).
    public mutating func apply(_ setting: Setting) {
        let value = Int(setting.value)
        switch setting.identifier {
        case .headerTableSize: headerTableSize = value
        case .enablePush: enablePush = value == 1
        case .maxConcurrentStreams: maxConcurrentStreams = value
        case .initialWindowSize: initialWindowSize = value
        case .maxFrameSize: maxFrameSize = value
        case .maxHeaderListSize: maxHeaderListSize = value
        case .enableConnectProtocol: enableConnectProtocol = value == 1
        case .noRFC7540Priorities: noRFC7540Priorities = value == 1
        default: break
        }
    }

    /// These settings made valid to send (RFC 9113 §6.5.2): MAX_FRAME_SIZE within
    /// 2^14...2^24-1, INITIAL_WINDOW_SIZE at most 2^31-1, no ENABLE_PUSH = 1 from a server,
    /// and ENABLE_CONNECT_PROTOCOL / NO_RFC7540_PRIORITIES never back to 0 after `previous`
    /// sent 1 (RFC 8441 §3, RFC 9218 §2.1).
    public func sanitized(for role: Role, after previous: HTTP2Settings?) -> HTTP2Settings {
        var settings = self
        settings.maxFrameSize = min(max(settings.maxFrameSize, FrameReader.defaultMaxFrameSize), FrameReader.largestMaxFrameSize)
        settings.initialWindowSize = min(max(settings.initialWindowSize, 0), FlowWindow.maximum)
        settings.headerTableSize = min(max(settings.headerTableSize, 0), Int(UInt32.max))
        settings.maxConcurrentStreams = settings.maxConcurrentStreams.map { min(max($0, 0), Int(UInt32.max)) }
        settings.maxHeaderListSize = settings.maxHeaderListSize.map { min(max($0, 0), Int(UInt32.max)) }
        if role == .server { settings.enablePush = false }
        if previous?.enableConnectProtocol == true { settings.enableConnectProtocol = true }
        if previous?.noRFC7540Priorities == true { settings.noRFC7540Priorities = true }
        return settings
    }

    /// The settings that differ from `base`, to put in a SETTINGS frame.
    public func changes(from base: HTTP2Settings) -> [Setting] {
        var list: [Setting] = []
        func add(_ identifier: SettingIdentifier, _ value: Int) {
            list.append(Setting(identifier, UInt32(clamping: value)))
        }
        if headerTableSize != base.headerTableSize { add(.headerTableSize, headerTableSize) }
        if enablePush != base.enablePush { add(.enablePush, enablePush ? 1 : 0) }
        if maxConcurrentStreams != base.maxConcurrentStreams, let value = maxConcurrentStreams {
            add(.maxConcurrentStreams, value)
        }
        if initialWindowSize != base.initialWindowSize { add(.initialWindowSize, initialWindowSize) }
        if maxFrameSize != base.maxFrameSize { add(.maxFrameSize, maxFrameSize) }
        if maxHeaderListSize != base.maxHeaderListSize, let value = maxHeaderListSize { add(.maxHeaderListSize, value) }
        if enableConnectProtocol != base.enableConnectProtocol { add(.enableConnectProtocol, enableConnectProtocol ? 1 : 0) }
        if noRFC7540Priorities != base.noRFC7540Priorities { add(.noRFC7540Priorities, noRFC7540Priorities ? 1 : 0) }
        return list
    }
}
