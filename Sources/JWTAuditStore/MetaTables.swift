/// Opens a set of tables kept in a data folder's `meta.sqlite`: a writer creates them (WAL,
/// synchronous=FULL); a reader on a store without them gets an empty in-memory database instead,
/// so every list it reads is empty.
enum MetaTables {
    static func open(_ directory: DataDirectory, readOnly: Bool, schema: String, tables: [String]) throws
        -> (connection: SQLiteConnection, hasTables: Bool)
    {
        if readOnly && !FileSystem.exists(directory.metaPath) {
            return (try SQLiteConnection(path: ":memory:"), false)
        }
        let connection = try SQLiteConnection(path: directory.metaPath, readOnly: readOnly)
        if readOnly {
            let names = tables.map { "'\($0)'" }.joined(separator: ", ")
            let found = try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name IN (\(names))")
            return (connection, found == Int64(tables.count))
        }
        try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        try connection.execute(schema)
        return (connection, true)
    }
}
