import JWTAuditCrypto
import Testing

@Suite("Base64")
struct Base64Tests {
    @Test(
        "encodes and decodes the RFC 4648 test vectors",
        arguments: [
            ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
        ])
    func vectors(plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test("refuses text that is not padded base64", arguments: ["Zg", "Zg=", "Z===", "Zm9v\n", "Zm-v", "=Zm9"])
    func refuses(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
