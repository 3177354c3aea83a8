extension StoreSecret {
    /// Loads the secret that keys the pseudonym table's lookup hashes (`secrets/pseudonym-master.key`),
    /// creating it on first use.
    public static func pseudonymMasterKey(in directory: DataDirectory) throws -> [UInt8] {
        try loadOrCreate(directory.secretsPath + "/pseudonym-master.key")
    }
}
