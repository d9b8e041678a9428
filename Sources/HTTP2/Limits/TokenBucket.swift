/// A budget that refills with time: `capacity` tokens at most, `refillPerSecond` added per
/// second of the caller's clock (nanoseconds). Each costly peer action takes a token; an
/// empty bucket means the peer is abusive.
public struct TokenBucket: Sendable, Hashable {
    public let capacity: Int
    public let refillPerSecond: Int
    /// Tokens in thousandths, so slow refill rates are exact.
    private var milliTokens: Int
    private var lastRefill: UInt64?

    public init(capacity: Int, refillPerSecond: Int) {
        self.capacity = max(1, capacity)
        self.refillPerSecond = max(0, refillPerSecond)
        self.milliTokens = self.capacity * 1000
    }

    /// Takes `count` tokens; false when there are not enough (nothing is taken then).
    public mutating func take(_ count: Int = 1, now: UInt64) -> Bool {
        refill(now: now)
        guard milliTokens >= count * 1000 else { return false }
        milliTokens -= count * 1000
        return true
    }

    private mutating func refill(now: UInt64) {
        defer { lastRefill = now }
        guard let lastRefill, now > lastRefill else { return }
        let elapsed = min(now - lastRefill, 3_600_000_000_000)  // an hour refills anything
        let added = Int(elapsed / 1_000_000) * refillPerSecond  // per millisecond, in milli-tokens
        milliTokens = min(capacity * 1000, milliTokens + added)
    }
}
