/// Our receive side of one flow-control window (a stream's or the connection's), and the
/// policy for WINDOW_UPDATE (RFC 9113 §5.2.1, §6.9).
///
/// The peer may send up to `window` octets. As the application consumes data, credit is
/// returned in batches: a WINDOW_UPDATE is due once the unreturned credit reaches half of
/// the target window, so a steady stream costs one WINDOW_UPDATE per half window, not one
/// per DATA frame. The target grows (auto-tuning) when the peer keeps the window nearly
/// drained within one round trip, doubling toward `maximumTarget`, so a long fat pipe
/// is not throttled by a small default.
public struct ReceiveWindow: Sendable {
    /// What the peer may still send (what it believes its send window is).
    public private(set) var window: Int
    /// The window we aim to keep open.
    public private(set) var target: Int
    /// The most auto-tuning may grow the target to.
    public let maximumTarget: Int
    /// Octets received and consumed but not yet returned by WINDOW_UPDATE.
    private var unreturned = 0
    /// Start of the current measurement interval (caller's clock, nanoseconds) and the
    /// octets received in it.
    private var intervalStart: UInt64 = 0
    private var intervalOctets = 0

    public init(initial: Int, maximumTarget: Int) {
        self.window = initial
        self.target = initial
        self.maximumTarget = max(initial, min(maximumTarget, FlowWindow.maximum))
    }

    /// The peer sent `octets` of flow-controlled payload (DATA incl. padding, §6.9.1).
    /// False when it exceeds the window: a FLOW_CONTROL_ERROR (§6.9.1).
    public mutating func receive(_ octets: Int) -> Bool {
        guard octets <= window else { return false }
        window -= octets
        return true
    }

    /// The application consumed `octets` (or they were discarded). Returns the
    /// WINDOW_UPDATE increment to send now, or 0. `now` is the caller's monotonic clock in
    /// nanoseconds; `roundTrip` the last measured RTT (0 when unknown).
    public mutating func consume(_ octets: Int, now: UInt64, roundTrip: UInt64) -> Int {
        unreturned += octets
        intervalOctets += octets
        autoTune(now: now, roundTrip: roundTrip)
        // One WINDOW_UPDATE carries at most 2^31-1 (§6.9); a window driven negative by a
        // smaller SETTINGS_INITIAL_WINDOW_SIZE may need more than one.
        let missing = min(target - window, FlowWindow.maximum)
        guard missing > 0, unreturned >= target / 2 || window < target / 4 else { return 0 }
        unreturned = 0
        window += missing
        return missing
    }

    /// Grows the target when a whole target's worth arrived within about one RTT: the
    /// window, not the path, was then the limit (bandwidth-delay product above target).
    private mutating func autoTune(now: UInt64, roundTrip: UInt64) {
        guard target < maximumTarget else { return }
        if intervalStart == 0 || now < intervalStart {
            intervalStart = now
            intervalOctets = 0
            return
        }
        let elapsed = now - intervalStart
        let horizon = max(roundTrip * 2, 1_000_000)  // at least 1 ms
        if intervalOctets >= target && elapsed <= horizon {
            target = min(target * 2, maximumTarget)
            intervalStart = now
            intervalOctets = 0
        } else if elapsed > horizon {
            intervalStart = now
            intervalOctets = 0
        }
    }

    /// Our SETTINGS_INITIAL_WINDOW_SIZE changed (acknowledged) by `delta` (§6.9.2): every
    /// stream window moves by it. The target follows the setting.
    public mutating func applyInitialWindowDelta(_ delta: Int) {
        window += delta
        target = max(0, target + delta)
    }
}
