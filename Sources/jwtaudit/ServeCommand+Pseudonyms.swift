import Foundation
import JWTAuditRetention
import JWTAuditStore

extension ServeCommand {
    /// The fields the retention policy says to pseudonymise (none without a policy). Called after
    /// ``checkRetentionPolicy(logger:)`` accepted the file.
    func pseudonymFields() -> [PseudonymField] {
        let defaultPath = "retention.json"
        guard let path = retention ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil),
            let policy = try? RetentionPolicy.load(path: path)
        else { return [] }
        return PseudonymField.allCases.filter { policy.pseudonymisation.covers($0.name) }
    }
}
