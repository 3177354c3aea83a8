import JWTAuditCrypto

/// Translates clear values into the pseudonyms a store holds, for search and legal holds. Opens
/// the key table read-only; it never creates a key, so a value never seen (or forgotten) has no
/// pseudonym and matches nothing stored under one.
public struct PseudonymLookup {
    /// What the store records for each pseudonymised field (empty: the store keeps clear values).
    public let fields: [PseudonymVault.FieldRecord]
    private let vault: PseudonymVault?
    private let master: HMACSHA256?

    /// The lookup of `directory`: empty when the store never pseudonymised.
    public init(directory: DataDirectory) throws {
        let vault = try PseudonymVault(directory: directory, readOnly: true)
        fields = try vault.fields()
        if fields.isEmpty || !FileSystem.exists(directory.secretsPath + "/pseudonym-master.key") {
            self.vault = nil
            master = nil
        } else {
            self.vault = vault
            master = HMACSHA256(key: try StoreSecret.pseudonymMasterKey(in: directory))
        }
    }

    /// Whether the store holds `field` as pseudonyms.
    public func pseudonymises(_ field: PseudonymField) -> Bool {
        fields.contains { $0.field == field }
    }

    /// The names of the pseudonymised fields, sorted (`client_ip`, `sub`).
    public var fieldNames: [String] { fields.map(\.field.name).sorted() }

    /// The values a stored event may hold for the clear or pseudonymous `value` of `field`: its
    /// pseudonym when it has a key, and the value itself (events stored before pseudonymisation
    /// began, or while it was off, hold it in clear; a value that is a pseudonym is searched as is).
    public func storedValues(_ field: PseudonymField, _ value: String) throws -> [String] {
        guard pseudonymises(field), let vault, let master, !Pseudonym.isPseudonym(value) else { return [value] }
        guard let key = try vault.key(lookup: Pseudonym.lookup(master, field, value)) else { return [value] }
        return [Pseudonym.make(key: key, value: value), value]
    }

    /// The queries that together find what `query` asks for by clear value: one per combination
    /// of stored values of its `sub` and `client_ip`.
    public func translate(_ query: EventQuery) throws -> [EventQuery] {
        var queries = [query]
        if let subject = query.subject {
            let values = try storedValues(.subject, subject)
            queries = queries.flatMap { base in values.map { var q = base; q.subject = $0; return q } }
        }
        if let address = query.clientIP {
            let values = try storedValues(.clientIP, address)
            queries = queries.flatMap { base in values.map { var q = base; q.clientIP = $0; return q } }
        }
        return queries
    }
}
