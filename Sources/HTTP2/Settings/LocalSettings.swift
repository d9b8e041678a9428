/// Our settings and their acknowledgement (RFC 9113 §6.5.3): a value binds the peer only
/// once it acknowledged the SETTINGS frame that carried it, so until then both the old
/// and the new value may apply. Sent frames are acknowledged in order.
struct LocalSettings {
    /// What the peer has acknowledged: the rules it must follow now.
    private(set) var acknowledged = HTTP2Settings.initial
    /// Sent, not yet acknowledged, oldest first, with the time they were sent.
    private var inFlight: [(settings: HTTP2Settings, sentAt: UInt64)] = []
    /// The newest values sent (acknowledged or not).
    private(set) var latest = HTTP2Settings.initial

    var awaitingAcknowledgement: Bool { !inFlight.isEmpty }

    /// Records a SETTINGS frame we send now; returns the settings to put in it.
    mutating func send(_ settings: HTTP2Settings, now: UInt64) -> [Setting] {
        let changes = settings.changes(from: latest)
        latest = settings
        inFlight.append((settings, now))
        return changes
    }

    /// The peer acknowledged our oldest SETTINGS; returns the values now in effect, or nil
    /// for an ACK we did not ask for (ignored).
    mutating func acknowledge() -> HTTP2Settings? {
        guard !inFlight.isEmpty else { return nil }
        acknowledged = inFlight.removeFirst().settings
        return acknowledged
    }

    /// Whether the oldest unacknowledged SETTINGS has waited longer than `timeout` (§6.5.3:
    /// the sender may then end the connection with SETTINGS_TIMEOUT).
    func timedOut(now: UInt64, timeout: UInt64) -> Bool {
        guard let oldest = inFlight.first else { return false }
        return now >= oldest.sentAt && now - oldest.sentAt > timeout
    }

    /// The deadline of the oldest unacknowledged SETTINGS, for the caller's timer.
    func deadline(timeout: UInt64) -> UInt64? {
        inFlight.first.map { $0.sentAt &+ timeout }
    }
}
