import JWTAuditCrypto
import Testing

@Suite("Ed25519")
struct Ed25519Tests {
    @Test(
        "signatures and public keys match RFC 8032 test vectors 1 and 2",
        arguments: [
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                    + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            ),
            (
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                    + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
            ),
        ])
    func vectors(seed: String, publicKey: String, message: String, signature: String) throws {
        let key = try Ed25519PrivateKey(seed: Hex.decode(seed)!)
        #expect(Hex.encode(key.publicKey.rawRepresentation) == publicKey)
        let signed = key.signature(for: Hex.decode(message)!)
        #expect(Hex.encode(signed) == signature)
        #expect(key.publicKey.isValidSignature(signed, for: Hex.decode(message)!))
    }

    @Test("a signature does not verify for another message, another key, or with a flipped bit")
    func rejects() {
        let (key, _) = Ed25519PrivateKey.generate()
        let (other, _) = Ed25519PrivateKey.generate()
        let message = Array("tree_size 42".utf8)
        let signature = key.signature(for: message)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(!key.publicKey.isValidSignature(signature, for: Array("tree_size 43".utf8)))
        #expect(!other.publicKey.isValidSignature(signature, for: message))
        var flipped = signature
        flipped[10] ^= 1
        #expect(!key.publicKey.isValidSignature(flipped, for: message))
        #expect(!key.publicKey.isValidSignature(Array(signature.prefix(63)), for: message))
    }

    @Test("the PEM form is what openssl writes, reads back, and the key id is stable")
    func pem() throws {
        let key = try Ed25519PrivateKey(
            seed: Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")!)
        #expect(
            key.publicKey.pem
                == "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
                + "-----END PUBLIC KEY-----\n"
        )
        #expect(try Ed25519PublicKey(text: key.publicKey.pem) == key.publicKey)
        #expect(try Ed25519PublicKey(text: Base64.encode(key.publicKey.rawRepresentation)) == key.publicKey)
        let both = "# key one\n" + key.publicKey.pem + "\n# key two\n" + Ed25519PrivateKey.generate().key.publicKey.pem
        #expect(try Ed25519PublicKey.keys(in: both).count == 2)
        #expect(key.publicKey.keyID.count == 16)
        #expect(key.publicKey.keyID == (try Ed25519PublicKey(text: key.publicKey.pem)).keyID)
        #expect(throws: CryptoError.self) {
            try Ed25519PublicKey(text: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
        }
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(seed: [1, 2, 3]) }
    }

    @Test("a private key's description shows no key material")
    func redacted() throws {
        let seed = [UInt8](repeating: 0xab, count: 32)
        let key = try Ed25519PrivateKey(seed: seed)
        #expect(!String(describing: key).lowercased().contains("abab"))
        #expect(String(describing: key).contains("redacted"))
    }
}
