import HPACK

/// Bytes from a hex string such as "82 86 84" (spaces ignored).
func hexBytes(_ hex: String) -> [UInt8] {
    let digits = hex.filter { !$0.isWhitespace }.map { $0 }
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// The fields of a list as (name, value) string pairs, for comparisons.
func pairs(_ list: HeaderList) -> [[String]] {
    list.map { [$0.name, $0.value] }
}

func fields(_ pairs: [(String, String)]) -> [HeaderField] {
    pairs.map { HeaderField($0.0, $0.1) }
}

/// Decodes a block given as hex.
func decodeHex(_ hex: String, with decoder: inout HPACKDecoder) throws(HPACKError) -> HeaderList {
    try decoder.decode(hexBytes(hex))
}

/// The error a block gives, or nil when it decodes.
func decodeError(_ bytes: [UInt8], with decoder: inout HPACKDecoder) -> HPACKError? {
    do throws(HPACKError) {
        _ = try decoder.decode(bytes)
        return nil
    } catch {
        return error
    }
}

func decodeError(_ hex: String, with decoder: inout HPACKDecoder) -> HPACKError? {
    decodeError(hexBytes(hex), with: &decoder)
}

func decodeError(_ hex: String) -> HPACKError? {
    var decoder = HPACKDecoder()
    return decodeError(hex, with: &decoder)
}
