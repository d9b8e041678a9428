/// Why a header block could not be decoded. Every malformed input maps to one of these;
/// in HTTP/2 each is a connection error of type COMPRESSION_ERROR (RFC 9113 §4.3), except
/// `headerListTooLarge`, after which the dynamic table is still in sync (see `HPACKDecoder`).
public enum HPACKError: Error, Equatable, Hashable, Sendable {
    /// A prefix integer's value exceeds 2^32-1 (RFC 7541 §5.1, §7.4).
    case integerOverflow
    /// A prefix integer uses more continuation octets than any 32-bit value needs (§7.4).
    case integerTooLong
    /// The block ends inside a representation (§5.1, §5.2).
    case truncated
    /// An index of 0, or one beyond the static and dynamic tables (§2.3.3, §6.1).
    case invalidIndex(Int)
    /// More than 7 bits of padding after the last Huffman symbol (§5.2).
    case huffmanPaddingTooLong
    /// Padding that is not the most significant bits of the EOS code, i.e. not all ones (§5.2).
    case huffmanInvalidPadding
    /// The EOS symbol inside a Huffman-encoded string (§5.2).
    case huffmanEOS
    /// A dynamic table size update after a field representation (§4.2, §6.3).
    case tableSizeUpdateNotAtStart
    /// A dynamic table size update above the limit set by SETTINGS (§6.3).
    case tableSizeUpdateTooLarge(requested: Int, limit: Int)
    /// The limit shrank below the table's size and the block did not start with an update (§4.2).
    case missingTableSizeUpdate
    /// The decoded header list exceeds the budget (name + value + 32 per field,
    /// RFC 9113 §6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE).
    case headerListTooLarge(limit: Int)

    /// A stable, kebab-case name for the error, as used in the negative test vectors.
    public var code: String {
        switch self {
        case .integerOverflow: return "integer-overflow"
        case .integerTooLong: return "integer-too-long"
        case .truncated: return "truncated"
        case .invalidIndex: return "invalid-index"
        case .huffmanPaddingTooLong: return "huffman-padding-too-long"
        case .huffmanInvalidPadding: return "huffman-invalid-padding"
        case .huffmanEOS: return "huffman-eos"
        case .tableSizeUpdateNotAtStart: return "table-size-update-not-at-start"
        case .tableSizeUpdateTooLarge: return "table-size-update-too-large"
        case .missingTableSizeUpdate: return "missing-table-size-update"
        case .headerListTooLarge: return "header-list-too-large"
        }
    }
}

extension HPACKError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .integerOverflow: return "HPACK integer exceeds 2^32-1 (RFC 7541 §5.1)"
        case .integerTooLong: return "HPACK integer encoding is too long (RFC 7541 §7.4)"
        case .truncated: return "header block ends inside a representation (RFC 7541 §5)"
        case .invalidIndex(let index): return "HPACK index \(index) is not in the static or dynamic table (RFC 7541 §2.3.3)"
        case .huffmanPaddingTooLong: return "Huffman padding longer than 7 bits (RFC 7541 §5.2)"
        case .huffmanInvalidPadding: return "Huffman padding is not all ones (RFC 7541 §5.2)"
        case .huffmanEOS: return "Huffman string contains the EOS symbol (RFC 7541 §5.2)"
        case .tableSizeUpdateNotAtStart: return "dynamic table size update after a field (RFC 7541 §4.2)"
        case .tableSizeUpdateTooLarge(let requested, let limit):
            return "dynamic table size update to \(requested) exceeds the limit \(limit) (RFC 7541 §6.3)"
        case .missingTableSizeUpdate: return "required dynamic table size update is missing (RFC 7541 §4.2)"
        case .headerListTooLarge(let limit): return "decoded header list exceeds \(limit) bytes (RFC 9113 §6.5.2)"
        }
    }
}
