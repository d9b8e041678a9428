import COpenSSL

/// An error from OpenSSL, with the messages of its thread-local error queue.
public struct OpenSSLError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var messages: [String]

    public var description: String {
        messages.isEmpty ? operation : "\(operation): \(messages.joined(separator: "; "))"
    }

    /// Takes (and clears) every error queued on this thread.
    static func drain(_ operation: String) -> OpenSSLError {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            let end = buffer.firstIndex(of: 0) ?? buffer.count
            messages.append(String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return OpenSSLError(operation: operation, messages: messages)
    }
}
