import JWTAuditDetection
import JWTAuditModel

/// Rows to values and back: the alert's columns, samples, notes and history.
extension AlertStore {
    /// The alert with `id` and its samples and notes (and history when asked), or nil.
    func load(_ id: Int64, withHistory: Bool) throws -> Alert? {
        let statement = try connection.prepare("SELECT \(AlertSchema.alertColumns) FROM alerts WHERE id = ?")
        statement.bind(1, id)
        guard try statement.step() else { return nil }
        var alert = Self.decodeAlert(statement)
        alert.samples = try loadSamples(id)
        alert.notes = try loadNotes(id)
        if withHistory { alert.history = try loadHistory(id) }
        return alert
    }

    /// An alert from a row of ``AlertSchema/alertColumns``, without samples, notes or history.
    static func decodeAlert(_ row: SQLiteStatement) -> Alert {
        Alert(
            id: row.int64(0), rule: row.text(1) ?? "",
            severity: row.text(2).flatMap(Severity.init(name:)) ?? .critical,
            key: decodeKey(row.text(3) ?? "{}"), firstSeen: row.int64(4), lastSeen: row.int64(5),
            count: Int(clamping: row.int64(6)), samples: [], summary: row.text(7) ?? "",
            techniques: decodeStrings(row.text(8) ?? "[]"), tags: decodeStrings(row.text(9) ?? "[]"),
            status: row.text(10).flatMap(AlertStatus.init(name:)) ?? .open, assignee: row.text(11),
            createdAt: row.int64(12), updatedAt: row.int64(13))
    }

    func loadSamples(_ id: Int64) throws -> [EventReference] {
        let statement = try connection.prepare(
            "SELECT \(AlertSchema.sampleColumns) FROM samples WHERE alert_id = ? ORDER BY position")
        statement.bind(1, id)
        var samples: [EventReference] = []
        while try statement.step() {
            samples.append(
                EventReference(
                    timestamp: statement.int64(0), receivedAt: statement.int64(1), service: statement.text(2) ?? "",
                    kind: statement.text(3).flatMap(EventKind.init(name:)) ?? .validate,
                    outcome: statement.text(4).flatMap(Outcome.init(name:)),
                    reason: statement.text(5).flatMap(Reason.init(name:)),
                    tokenType: statement.text(6).flatMap(TokenType.init(name:)) ?? .access,
                    subject: statement.text(7), tokenID: statement.text(8), clientIP: statement.text(9),
                    keyID: statement.text(10), algorithm: statement.text(11), producer: statement.text(12),
                    sequence: statement.isNull(13) ? nil : statement.int64(13)))
        }
        return samples
    }

    func writeSamples(_ samples: [EventReference], alertID: Int64) throws {
        let insert = try connection.prepare(
            "INSERT INTO samples (alert_id, position, \(AlertSchema.sampleColumns)) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for (position, sample) in samples.enumerated() {
            insert.reset()
            insert.bind(1, alertID)
            insert.bind(2, Int64(position))
            insert.bind(3, sample.timestamp)
            insert.bind(4, sample.receivedAt)
            insert.bind(5, sample.service)
            insert.bind(6, sample.kind.name)
            insert.bind(7, sample.outcome?.name)
            insert.bind(8, sample.reason?.name)
            insert.bind(9, sample.tokenType.name)
            insert.bind(10, sample.subject)
            insert.bind(11, sample.tokenID)
            insert.bind(12, sample.clientIP)
            insert.bind(13, sample.keyID)
            insert.bind(14, sample.algorithm)
            insert.bind(15, sample.producer)
            insert.bind(16, sample.sequence)
            try insert.step()
        }
    }

    func loadNotes(_ id: Int64) throws -> [AlertNote] {
        let statement = try connection.prepare("SELECT author, at, text FROM notes WHERE alert_id = ? ORDER BY id")
        statement.bind(1, id)
        var notes: [AlertNote] = []
        while try statement.step() {
            notes.append(
                AlertNote(author: statement.text(0) ?? "", at: statement.int64(1), text: statement.text(2) ?? ""))
        }
        return notes
    }

    func insertNote(_ id: Int64, author: String, text: String, now: Int64) throws {
        let insert = try connection.prepare("INSERT INTO notes (alert_id, author, at, text) VALUES (?, ?, ?, ?)")
        insert.bind(1, id)
        insert.bind(2, author)
        insert.bind(3, now)
        insert.bind(4, text)
        try insert.step()
    }

    func loadHistory(_ id: Int64) throws -> [AlertChange] {
        let statement = try connection.prepare(
            "SELECT action, who, at, from_value, to_value, note FROM alert_history WHERE alert_id = ? ORDER BY id")
        statement.bind(1, id)
        var history: [AlertChange] = []
        while try statement.step() {
            history.append(
                AlertChange(
                    action: statement.text(0) ?? "", by: statement.text(1) ?? "", at: statement.int64(2),
                    from: statement.text(3), to: statement.text(4), note: statement.text(5)))
        }
        return history
    }

    func appendHistory(_ id: Int64, _ change: AlertChange) throws {
        let insert = try connection.prepare(
            "INSERT INTO alert_history (alert_id, at, who, action, from_value, to_value, note) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)")
        insert.bind(1, id)
        insert.bind(2, change.at)
        insert.bind(3, change.by)
        insert.bind(4, change.action)
        insert.bind(5, change.from)
        insert.bind(6, change.to)
        insert.bind(7, change.note)
        try insert.step()
    }

    /// Runs one statement with text and integer arguments.
    func execute(_ sql: String, _ text: String, _ integer: Int64, _ id: Int64) throws {
        let statement = try connection.prepare(sql)
        statement.bind(1, text)
        statement.bind(2, integer)
        statement.bind(3, id)
        try statement.step()
    }

    func execute(_ sql: String, _ integer: Int64, _ id: Int64) throws {
        let statement = try connection.prepare(sql)
        statement.bind(1, integer)
        statement.bind(2, id)
        try statement.step()
    }

    // MARK: JSON columns

    /// `["a","b"]`.
    static func encodeStrings(_ values: [String]) -> String {
        var buffer: [UInt8] = [UInt8(ascii: "[")]
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            EventJSON.appendEscaped(value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
        return String(decoding: buffer, as: UTF8.self)
    }

    static func decodeStrings(_ json: String) -> [String] {
        guard case .array(let items)? = try? PositionedJSON.parse(Array(json.utf8)).value else { return [] }
        return items.compactMap { item in
            if case .string(let value) = item.value { value } else { nil }
        }
    }

    /// The key from its `key_json` object, fields in stored order.
    static func decodeKey(_ json: String) -> AlertKey {
        guard case .object(let members)? = try? PositionedJSON.parse(Array(json.utf8)).value else {
            return AlertKey([])
        }
        return AlertKey(
            members.compactMap { member in
                if case .string(let value) = member.value.value { AlertKey.Field(member.key, value) } else { nil }
            })
    }

    /// `values` without repeats, first occurrence kept.
    static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0).inserted }
    }

    // MARK: Input checks

    static func checkName(_ name: String, _ what: String) throws {
        guard name.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw AlertStoreError(.invalidInput, "\(what) is empty")
        }
        guard name.utf8.count <= maxNameBytes else {
            throw AlertStoreError(.invalidInput, "\(what) is longer than \(maxNameBytes) bytes")
        }
        guard !name.unicodeScalars.contains(where: isControl) else {
            throw AlertStoreError(.invalidInput, "\(what) holds control characters")
        }
    }

    static func checkNote(_ text: String) throws {
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw AlertStoreError(.invalidInput, "the note is empty")
        }
        guard text.utf8.count <= maxNoteBytes else {
            throw AlertStoreError(.invalidInput, "the note is longer than \(maxNoteBytes) bytes")
        }
        guard !text.unicodeScalars.contains(where: { isControl($0) && $0 != "\n" && $0 != "\t" }) else {
            throw AlertStoreError(.invalidInput, "the note holds control characters other than newline and tab")
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
    }
}

extension Int64 {
    /// `self + other`, held at the bounds instead of overflowing.
    func addingSaturating(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}

extension Int {
    /// `self + other`, held at the bounds instead of overflowing.
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
