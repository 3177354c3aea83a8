/// Pinned outputs of the persisted hash and of a small filter (see `BlockKeyFilterTests`).
enum StableHashVectors {
    static let values: [(String, UInt64, UInt64)] = [
        ("", 0, 0x0409_638E_E2BD_E459),
        ("a", 0, 0x28D2_0533_09D2_8531),
        ("abc", 1, 0xDBE5_B1E5_8232_55B7),
        ("orders-api", 0, 0x1E0A_79DA_9CE2_95AC),
        ("q3Xr0vJmT2aK8pL1nB5cZw", 0, 0xB4D1_1976_0F85_0355),
        ("2001:db8:85a3::8a2e:370:7334", 0x9E37_79B9_7F4A_7C15, 0xF2E1_C9EB_68E1_0425),
        ("auth0|5f7c8ec7c33c6c004bbafe82 and a longer tail past forty-eight bytes", 7, 0x1A7D_4BE6_A5A4_D6CB),
    ]
    /// `BlockKeyFilter(keys: [(.subject, "alice"), (.tokenID, "q3Xr0vJmT2aK8pL1nB5cZw"),
    /// (.service, "orders-api")]).serialized`.
    static let filter: [UInt8] = [1, 6, 64, 248, 5, 33, 132, 48, 0, 0, 0]
}
