/// The record of compliance report exports, in `meta.sqlite` table `report_exports`: who exported
/// which framework's report for which period, in which format, with which digest, and when. Rows
/// cannot be updated (a trigger refuses it); retention may delete them after
/// `report_exports.keep_days`.
public final class ReportExportLedger {
    private let connection: SQLiteConnection
    private let hasTables: Bool

    static let schema = """
        CREATE TABLE IF NOT EXISTS report_exports (
            id INTEGER PRIMARY KEY,
            exported_at INTEGER NOT NULL,
            who TEXT NOT NULL,
            via TEXT NOT NULL,
            framework TEXT NOT NULL,
            format TEXT NOT NULL,
            period_from INTEGER NOT NULL,
            period_to INTEGER NOT NULL,
            digest TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS report_exports_by_time ON report_exports (exported_at);
        CREATE TRIGGER IF NOT EXISTS report_exports_no_update BEFORE UPDATE ON report_exports
        BEGIN SELECT RAISE(ABORT, 'report exports are append-only'); END;
        """

    /// Opens the table in `directory`'s `meta.sqlite`, creating it unless `readOnly`. Read-only on a
    /// store without it, every list is empty.
    public init(directory: DataDirectory, readOnly: Bool = false) throws {
        if !readOnly { try directory.prepare() }
        (connection, hasTables) = try MetaTables.open(
            directory, readOnly: readOnly, schema: Self.schema, tables: ["report_exports"])
    }

    /// Records an export durably; returns its id.
    @discardableResult
    public func record(_ export: ReportExportRecord) throws -> Int64 {
        let insert = try connection.prepare(
            """
            INSERT INTO report_exports (exported_at, who, via, framework, format, period_from, period_to, digest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insert.bind(1, export.exportedAt)
        insert.bind(2, export.who)
        insert.bind(3, export.via)
        insert.bind(4, export.framework)
        insert.bind(5, export.format)
        insert.bind(6, export.periodFrom)
        insert.bind(7, export.periodTo)
        insert.bind(8, export.digest)
        return try connection.transaction {
            _ = try insert.step()
            return connection.lastInsertRowID
        }
    }

    /// Exports made at times in `from..<to`, oldest first.
    public func exports(from: Int64 = Int64.min, to: Int64 = Int64.max) throws -> [ReportExportRecord] {
        guard hasTables else { return [] }
        let statement = try connection.prepare(
            """
            SELECT id, exported_at, who, via, framework, format, period_from, period_to, digest
            FROM report_exports WHERE exported_at >= ? AND exported_at < ? ORDER BY exported_at, id
            """)
        statement.bind(1, from)
        statement.bind(2, to)
        var exports: [ReportExportRecord] = []
        while try statement.step() {
            var export = ReportExportRecord(
                exportedAt: statement.int64(1), who: statement.text(2) ?? "", via: statement.text(3) ?? "",
                framework: statement.text(4) ?? "", format: statement.text(5) ?? "", periodFrom: statement.int64(6),
                periodTo: statement.int64(7), digest: statement.text(8) ?? "")
            export.id = statement.int64(0)
            exports.append(export)
        }
        return exports
    }
}
