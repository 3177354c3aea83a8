import JWTAuditDetection
import JWTAuditModel

/// Alerts in `DATA/alerts.sqlite`: deduplicated findings with their samples, triage status, notes,
/// assignee and an append-only history of every change.
///
/// One instance owns one SQLite connection and is not thread-safe: the daemon's detection thread
/// keeps a writer, and the CLI or an HTTP handler open their own (read-only readers, or a short-lived
/// writer for a status change; WAL and `BEGIN IMMEDIATE` let them run beside the daemon). Every
/// method that changes an alert writes the change and its history entry in one transaction, durable
/// when it returns (`synchronous=FULL`).
public final class AlertStore {
    /// The database file.
    public let path: String
    /// Whether this instance only reads.
    public let isReadOnly: Bool
    let connection: SQLiteConnection
    private var schemaReady = false

    /// Who the history names for changes made by the detector.
    public static let detectorName = "jwtaudit"
    /// Longest name (author, assignee) accepted, in bytes.
    public static let maxNameBytes = 200
    /// Longest note accepted, in bytes.
    public static let maxNoteBytes = 10_000

    /// Opens the store at `path`. A writer creates the file and its schema where missing; a reader
    /// needs the file to exist and sees no alerts until a writer has created the schema.
    public init(path: String, readOnly: Bool = false) throws {
        self.path = path
        isReadOnly = readOnly
        connection = try SQLiteConnection(path: path, readOnly: readOnly)
        if !readOnly {
            try connection.execute(AlertSchema.writerPragmas)
            try connection.transaction { try connection.execute(AlertSchema.create) }
            schemaReady = true
        }
    }

    /// Opens the alert store of a data folder; a writer first creates the folder where missing.
    public convenience init(directory: DataDirectory, readOnly: Bool = false) throws {
        if !readOnly { try directory.prepare() }
        try self.init(path: directory.alertsPath, readOnly: readOnly)
    }

    /// Copies the write-ahead log into `alerts.sqlite` and empties it (a writer, at shutdown).
    public func checkpointWriteAheadLog() throws {
        try connection.checkpointWriteAheadLog()
    }

    // MARK: Findings

    /// Folds `findings` into alerts, all in one transaction.
    ///
    /// A finding whose rule and key match an active alert (`open` or `acknowledged`) with
    /// `alert.lastSeen + finding.suppressionWindow >= finding.firstSeen` updates it: count summed,
    /// first/last seen widened, severity raised to the finding's when higher (history `escalated`),
    /// MITRE ids and tags united, samples merged (``AlertSamples``), the summary replaced unless the
    /// finding is less severe than the alert. Any other finding opens a new alert (history `created`).
    /// Plain updates write no history entry: `count` and `last_seen` carry them.
    ///
    /// Returns one update per alert touched, in the order first touched.
    public func record(_ findings: [Finding], now: Int64) throws -> [AlertUpdate] {
        precondition(!isReadOnly, "record on a read-only AlertStore")
        guard !findings.isEmpty else { return [] }
        return try connection.transaction {
            var order: [Int64] = []
            var kinds: [Int64: AlertUpdate.Kind] = [:]
            for finding in findings {
                let (id, kind) = try fold(finding, now: now)
                if let previous = kinds[id] {
                    kinds[id] = previous.merged(with: kind)
                } else {
                    order.append(id)
                    kinds[id] = kind
                }
            }
            return try order.map { id in
                guard let alert = try load(id, withHistory: true), let kind = kinds[id] else {
                    throw AlertStoreError.unknown(id)
                }
                return AlertUpdate(kind: kind, alert: alert)
            }
        }
    }

    private func fold(_ finding: Finding, now: Int64) throws -> (id: Int64, kind: AlertUpdate.Kind) {
        let keyJSON = String(decoding: AlertJSON.keyObject(finding.key), as: UTF8.self)
        // key_text finds the row through the index; key_json makes the match exact, since the text
        // form is ambiguous when a value holds `,` or `=`.
        let lookup = try connection.prepare(
            """
            SELECT \(AlertSchema.alertColumns) FROM alerts
            WHERE rule = ? AND key_text = ? AND status IN ('open', 'acknowledged') AND key_json = ?
            ORDER BY last_seen DESC, id DESC LIMIT 1
            """)
        lookup.bind(1, finding.rule)
        lookup.bind(2, finding.key.description)
        lookup.bind(3, keyJSON)
        if try lookup.step() {
            let current = Self.decodeAlert(lookup)
            if current.lastSeen.addingSaturating(finding.suppressionWindow) >= finding.firstSeen {
                return (current.id, try update(current, with: finding, now: now))
            }
        }
        return (try open(finding, keyJSON: keyJSON, now: now), .opened)
    }

    private func open(_ finding: Finding, keyJSON: String, now: Int64) throws -> Int64 {
        let insert = try connection.prepare(
            """
            INSERT INTO alerts (rule, severity, key_text, key_json, first_seen, last_seen, count, summary, mitre,
                compliance, status, assignee, created_at, updated_at, suppression)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', NULL, ?, ?, ?)
            """)
        insert.bind(1, finding.rule)
        insert.bind(2, finding.severity.name)
        insert.bind(3, finding.key.description)
        insert.bind(4, keyJSON)
        insert.bind(5, min(finding.firstSeen, finding.lastSeen))
        insert.bind(6, max(finding.firstSeen, finding.lastSeen))
        insert.bind(7, Int64(max(finding.count, 0)))
        insert.bind(8, finding.summary)
        insert.bind(9, Self.encodeStrings(Self.unique(finding.techniques)))
        insert.bind(10, Self.encodeStrings(Self.unique(finding.tags)))
        insert.bind(11, now)
        insert.bind(12, now)
        insert.bind(13, finding.suppressionWindow)
        try insert.step()
        let id = connection.lastInsertRowID
        try writeSamples(AlertSamples.merge([], finding.samples), alertID: id)
        try appendHistory(
            id, AlertChange(action: "created", by: Self.detectorName, at: now, to: AlertStatus.open.name))
        return id
    }

    private func update(_ current: Alert, with finding: Finding, now: Int64) throws -> AlertUpdate.Kind {
        let severity = max(current.severity, finding.severity)
        let samples = AlertSamples.merge(try loadSamples(current.id), finding.samples)
        let statement = try connection.prepare(
            """
            UPDATE alerts SET severity = ?, first_seen = ?, last_seen = ?, count = ?, summary = ?, mitre = ?,
                compliance = ?, updated_at = ?, suppression = ?
            WHERE id = ?
            """)
        statement.bind(1, severity.name)
        statement.bind(2, min(current.firstSeen, finding.firstSeen))
        statement.bind(3, max(current.lastSeen, finding.lastSeen))
        statement.bind(4, Int64(current.count.addingSaturating(max(finding.count, 0))))
        statement.bind(5, finding.severity >= current.severity ? finding.summary : current.summary)
        statement.bind(6, Self.encodeStrings(Self.unique(current.techniques + finding.techniques)))
        statement.bind(7, Self.encodeStrings(Self.unique(current.tags + finding.tags)))
        statement.bind(8, now)
        statement.bind(9, finding.suppressionWindow)
        statement.bind(10, current.id)
        try statement.step()
        try connection.execute("DELETE FROM samples WHERE alert_id = \(current.id)")
        try writeSamples(samples, alertID: current.id)
        guard severity > current.severity else { return .updated }
        try appendHistory(
            current.id,
            AlertChange(
                action: "escalated", by: Self.detectorName, at: now, from: current.severity.name, to: severity.name))
        return .escalated
    }

    // MARK: Reading

    /// Alerts matching `filter`, newest `last_seen` first, with samples and notes (history left
    /// empty: ``alert(id:)`` reads it).
    public func list(_ filter: AlertFilter = AlertFilter()) throws -> [Alert] {
        guard try hasSchema() else { return [] }
        var conditions: [String] = []
        if filter.status != nil { conditions.append("status = ?") }
        if filter.rule != nil { conditions.append("rule = ?") }
        if let minimum = filter.minimumSeverity {
            let names = Severity.allCases.filter { $0 >= minimum }.map { "'\($0.name)'" }
            conditions.append("severity IN (\(names.joined(separator: ", ")))")
        }
        if filter.since != nil { conditions.append("last_seen >= ?") }
        var sql = "SELECT \(AlertSchema.alertColumns) FROM alerts"
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY last_seen DESC, id DESC"
        if filter.limit != nil { sql += " LIMIT ?" }
        let statement = try connection.prepare(sql)
        var index: Int32 = 1
        func bind(_ value: String) {
            statement.bind(index, value)
            index += 1
        }
        if let status = filter.status { bind(status.name) }
        if let rule = filter.rule { bind(rule) }
        if let since = filter.since {
            statement.bind(index, since)
            index += 1
        }
        if let limit = filter.limit { statement.bind(index, Int64(max(limit, 0))) }
        var alerts: [Alert] = []
        while try statement.step() {
            alerts.append(Self.decodeAlert(statement))
        }
        for index in alerts.indices {
            alerts[index].samples = try loadSamples(alerts[index].id)
            alerts[index].notes = try loadNotes(alerts[index].id)
        }
        return alerts
    }

    /// The alert with `id`, with samples, notes and its whole history; `nil` when there is none.
    public func alert(id: Int64) throws -> Alert? {
        guard try hasSchema() else { return nil }
        return try load(id, withHistory: true)
    }

    /// How many alerts are in each status (statuses with none are absent).
    public func countByStatus() throws -> [AlertStatus: Int] {
        guard try hasSchema() else { return [:] }
        let statement = try connection.prepare("SELECT status, count(*) FROM alerts GROUP BY status")
        var counts: [AlertStatus: Int] = [:]
        while try statement.step() {
            if let status = statement.text(0).flatMap(AlertStatus.init(name:)) {
                counts[status] = Int(statement.int64(1))
            }
        }
        return counts
    }

    // MARK: Triage

    /// Moves the alert to `status`, with an optional note (kept on the history entry and among the
    /// alert's notes). Refuses an unknown id and a status the alert already has.
    @discardableResult
    public func setStatus(
        id: Int64, to status: AlertStatus, by author: String, note: String? = nil, now: Int64
    )
        throws -> Alert
    {
        precondition(!isReadOnly, "setStatus on a read-only AlertStore")
        try Self.checkName(author, "the author's name")
        if let note { try Self.checkNote(note) }
        return try change(id) { current in
            guard current.status != status else {
                throw AlertStoreError(.unchanged, alertID: id, "alert \(id) is already \(status.name)")
            }
            try execute("UPDATE alerts SET status = ?, updated_at = ? WHERE id = ?", status.name, now, id)
            if let note { try insertNote(id, author: author, text: note, now: now) }
            try appendHistory(
                id,
                AlertChange(
                    action: "status", by: author, at: now, from: current.status.name, to: status.name, note: note))
        }
    }

    /// Adds a note by `author` to the alert. Refuses an unknown id and an empty note.
    @discardableResult
    public func addNote(id: Int64, by author: String, text: String, now: Int64) throws -> Alert {
        precondition(!isReadOnly, "addNote on a read-only AlertStore")
        try Self.checkName(author, "the author's name")
        try Self.checkNote(text)
        return try change(id) { _ in
            try execute("UPDATE alerts SET updated_at = ? WHERE id = ?", now, id)
            try insertNote(id, author: author, text: text, now: now)
            try appendHistory(id, AlertChange(action: "note", by: author, at: now, note: text))
        }
    }

    /// Assigns the alert to `assignee` (`nil` unassigns it). Refuses an unknown id and the current
    /// assignee.
    @discardableResult
    public func assign(id: Int64, to assignee: String?, by author: String, now: Int64) throws -> Alert {
        precondition(!isReadOnly, "assign on a read-only AlertStore")
        try Self.checkName(author, "the author's name")
        if let assignee { try Self.checkName(assignee, "the assignee's name") }
        return try change(id) { current in
            guard current.assignee != assignee else {
                let message =
                    assignee.map { "alert \(id) is already assigned to \($0)" } ?? "alert \(id) is not assigned"
                throw AlertStoreError(.unchanged, alertID: id, message)
            }
            let statement = try connection.prepare("UPDATE alerts SET assignee = ?, updated_at = ? WHERE id = ?")
            statement.bind(1, assignee)
            statement.bind(2, now)
            statement.bind(3, id)
            try statement.step()
            try appendHistory(
                id, AlertChange(action: "assignee", by: author, at: now, from: current.assignee, to: assignee))
        }
    }

    /// Runs `body` on the current alert in one write transaction and returns the alert afterwards.
    private func change(_ id: Int64, _ body: (Alert) throws -> Void) throws -> Alert {
        try connection.transaction {
            guard let current = try load(id, withHistory: false) else { throw AlertStoreError.unknown(id) }
            try body(current)
            guard let changed = try load(id, withHistory: true) else { throw AlertStoreError.unknown(id) }
            return changed
        }
    }

    private func hasSchema() throws -> Bool {
        if !schemaReady {
            schemaReady = try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'alerts'") == 1
        }
        return schemaReady
    }
}
