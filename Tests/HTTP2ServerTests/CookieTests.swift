import HPACK
import HTTP2
@testable import HTTP2Server
import Testing

/// RFC 9113 §8.2.3: cookie crumbs sent as separate fields are joined with "; " before the
/// request reaches the (generic, HTTP-version-independent) handler.
@Suite("RFC 9113 §8.2.3 cookie fields joined for the application")
struct CookieJoiningTests {
    private func head(_ regular: [HeaderField]) throws -> RequestHead {
        let fields = HeaderList([HeaderField(":method", "GET"), HeaderField(":scheme", "https"),
                                 HeaderField(":authority", "example.com"), HeaderField(":path", "/")] + regular)
        return try MessageValidator.validateRequest(fields, extendedConnectEnabled: false).get()
    }

    @Test func crumbsAreJoinedInOrderAtTheFirstCrumbsPlace() throws {
        let request = try head([HeaderField("cookie", "a=1"), HeaderField("accept", "*/*"),
                                HeaderField("cookie", "b=2"), HeaderField("cookie", "c=3"),
                                HeaderField("user-agent", "t")])
        let fields = HTTP2ServerHandler.applicationFields(of: request)
        #expect(fields.map(\.name) == ["cookie", "accept", "user-agent"])
        #expect(fields[0].value == "a=1; b=2; c=3")
        #expect(fields.filter { $0.name.hasPrefix(":") }.isEmpty)
    }

    @Test func aNeverIndexedCrumbMakesTheJoinedFieldNeverIndexed() throws {
        let request = try head([HeaderField("cookie", "a=1"),
                                HeaderField("cookie", "secret=2", indexing: .neverIndexed)])
        let fields = HTTP2ServerHandler.applicationFields(of: request)
        #expect(fields.count == 1)
        #expect(fields[0].value == "a=1; secret=2")
        #expect(fields[0].indexing == .neverIndexed)
    }

    @Test func withoutCrumbsTheFieldsAreUnchanged() throws {
        let regular = [HeaderField("cookie", "only=1"), HeaderField("accept", "text/html"),
                       HeaderField("accept", "text/plain")]
        let fields = HTTP2ServerHandler.applicationFields(of: try head(regular))
        #expect(fields == regular)
    }
}
