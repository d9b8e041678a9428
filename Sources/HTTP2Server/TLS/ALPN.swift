/// Application-Layer Protocol Negotiation (RFC 7301) as the server does it: pick our most
/// preferred protocol among those the client offers.
public enum ALPN {
    public static let h2 = "h2"
    public static let http11 = "http/1.1"

    /// The protocols in the client's ClientHello extension: a list of non-empty strings,
    /// each preceded by its one-octet length (RFC 7301 §3.1). nil when malformed.
    public static func parse(_ wire: UnsafeRawBufferPointer) -> [String]? {
        var names: [String] = []
        var offset = 0
        while offset < wire.count {
            let length = Int(wire[offset])
            offset += 1
            guard length > 0, offset + length <= wire.count else { return nil }
            names.append(String(decoding: UnsafeRawBufferPointer(rebasing: wire[offset..<(offset + length)]), as: UTF8.self))
            offset += length
        }
        return names
    }

    /// The wire form of a list of protocols.
    public static func encode(_ names: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for name in names {
            let bytes = Array(name.utf8)
            guard !bytes.isEmpty, bytes.count < 256 else { continue }
            out.append(UInt8(bytes.count))
            out.append(contentsOf: bytes)
        }
        return out
    }

    /// Our choice: the first of `offers` (in our order of preference) the client lists.
    /// nil when there is none in common (RFC 7301 §3.2: no_application_protocol).
    public static func select(offers: [String], clientList: [String]) -> String? {
        offers.first(where: { clientList.contains($0) })
    }

    /// The protocol for a client that sent no ALPN extension: HTTP/1.1 (RFC 9113 §3.2
    /// needs "h2" in ALPN for HTTP/2 over TLS), if we offer it.
    public static func withoutNegotiation(offers: [String]) -> String? {
        offers.contains(http11) ? http11 : nil
    }
}
