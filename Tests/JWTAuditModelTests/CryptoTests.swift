import JWTAuditCrypto
import Testing

@Suite("Crypto")
struct CryptoTests {
    @Test("HMAC-SHA256 matches RFC 4231", arguments: [
        ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ])
    func hmacVectors(key: [UInt8], message: [UInt8], expected: String) {
        #expect(Hex.encode(HMACSHA256(key: key).authenticate(message)) == expected)
    }

    @Test("SHA-256 of the empty string and of abc")
    func sha256() {
        #expect(Hex.encode(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Hex.encode(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a token fingerprint is 32 hex digits, stable for a key and different under another key")
    func fingerprint() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig"
        let one = TokenFingerprinter(secret: [UInt8](repeating: 1, count: 32))
        let two = TokenFingerprinter(secret: [UInt8](repeating: 2, count: 32))
        #expect(one.fingerprint(token).count == 32)
        #expect(one.fingerprint(token) == one.fingerprint(token))
        #expect(one.fingerprint(token) != two.fingerprint(token))
        #expect(!String(describing: HMACSHA256(key: [1, 2, 3])).contains("1"))
    }
}
