/// Which end of the connection this endpoint is (RFC 9113 §3, §5.1.1).
///
/// A client opens odd-numbered streams and sends requests; a server opens even-numbered
/// (pushed) streams and sends responses.
public enum Role: Hashable, Sendable {
    /// The endpoint that initiated the connection and sends requests.
    case client
    /// The endpoint that accepted the connection and sends responses.
    case server

    /// The role of the other endpoint.
    public var peer: Role {
        switch self {
        case .client: return .server
        case .server: return .client
        }
    }
}
