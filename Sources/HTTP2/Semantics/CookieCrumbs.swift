import HPACK

// RFC 9113 §8.2.3: a Cookie header may arrive split into several `cookie` fields (crumbs);
// that is valid. Before the fields go to a non-HTTP/2 context (an HTTP/1.1 connection or
// a generic application), the crumbs MUST be joined with "; ".

extension HeaderList {
    /// All `cookie` field values joined with "; " (RFC 9113 §8.2.3), nil when there is none.
    public func joinedCookieValue() -> String? {
        var joined: [UInt8] = []
        var found = false
        forEachField { name, value, _ in
            guard FieldSyntax.equals(name, "cookie") else { return }
            if found {
                joined.append(0x3B)  // ';'
                joined.append(0x20)  // ' '
            }
            found = true
            joined.append(contentsOf: value)
        }
        return found ? String(decoding: joined, as: UTF8.self) : nil
    }

    /// The list with its `cookie` fields joined into one, placed where the first one was
    /// (RFC 9113 §8.2.3); other fields keep their order and indexing. The joined field is
    /// never indexed if any crumb was. Returns the list unchanged when it has at most one
    /// `cookie` field.
    public func mergingCookies() -> HeaderList {
        var cookieCount = 0
        var neverIndexed = false
        var joined: [UInt8] = []
        forEachField { name, value, indexing in
            guard FieldSyntax.equals(name, "cookie") else { return }
            if cookieCount > 0 { joined.append(contentsOf: [0x3B, 0x20]) }
            cookieCount += 1
            if indexing == .neverIndexed { neverIndexed = true }
            joined.append(contentsOf: value)
        }
        guard cookieCount > 1 else { return self }
        var merged = HeaderList()
        var placed = false
        forEachField { name, value, indexing in
            guard FieldSyntax.equals(name, "cookie") else {
                merged.append(name: name, value: value, indexing: indexing)
                return
            }
            guard !placed else { return }
            placed = true
            joined.withUnsafeBytes { joinedBytes in
                merged.append(name: name, value: joinedBytes, indexing: neverIndexed ? .neverIndexed : indexing)
            }
        }
        return merged
    }
}
