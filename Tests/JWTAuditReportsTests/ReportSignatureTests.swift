import Foundation
import JWTAuditCrypto
import JWTAuditReports
import JWTAuditStore
import JWTAuditTesting
import Testing

/// verify-report's check: intact reports pass; one changed character anywhere fails, in every format.
@Suite struct ReportSignatureTests {
    /// Positions spread over the whole file, first and last bytes included.
    static func positions(_ count: Int, samples: Int = 60) -> [Int] {
        Array(Set((0..<samples).map { $0 * (count - 1) / (samples - 1) })).sorted()
    }

    /// `bytes` with the byte at `index` replaced by another printable character.
    static func changed(_ bytes: [UInt8], at index: Int) -> [UInt8] {
        var bytes = bytes
        bytes[index] = bytes[index] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        return bytes
    }

    @Test(
        "JSON and HTML reports verify intact, and fail after any one-character change",
        arguments: [ReportFormat.json, .html])
    func singleFile(_ format: ReportFormat) throws {
        let fixture = try ReportFixture()
        let export = try ReportExport.generate(
            try fixture.request(.pciDSS, policy: ReportFixture.policy), format: format, key: fixture.key, via: "cli")
        let keys = [fixture.key.publicKey]
        let intact = ReportVerifier.verifyFile(export.file, keys: keys)
        #expect(intact.isIntact, "\(intact.problem ?? "")")
        #expect(intact.signature?.digest == export.signature.digest)
        #expect(intact.signature?.chainHead.sequence == 4)
        for index in Self.positions(export.file.count) {
            let result = ReportVerifier.verifyFile(Self.changed(export.file, at: index), keys: keys)
            #expect(!result.isIntact, "a change at byte \(index) of \(export.file.count) went unnoticed")
        }
        // A count changed in the content, the way a forger would.
        let text = String(decoding: export.file, as: UTF8.self)
        let forged = format == .json
            ? text.replacingOccurrences(of: #"["bad_signature",3]"#, with: #"["bad_signature",2]"#)
            : text.replacingOccurrences(of: #"<td>bad_signature</td><td class="n">3</td>"#,
                                        with: #"<td>bad_signature</td><td class="n">2</td>"#)
        #expect(forged != text)
        let forgedResult = ReportVerifier.verifyFile(Array(forged.utf8), keys: keys)
        #expect(forgedResult.problem?.hasPrefix("the content was changed") == true)
        let other = Ed25519PrivateKey.generate().key.publicKey
        let unknown = ReportVerifier.verifyFile(export.file, keys: [other])
        #expect(unknown.problem?.contains("not among the given keys") == true)
    }

    @Test("a CSV report verifies through its manifest; a changed, added or removed file fails")
    func csvFolder() throws {
        let fixture = try ReportFixture()
        let export = try ReportExport.generate(try fixture.request(.hipaa), format: .csv, key: fixture.key, via: "cli")
        let folder = fixture.folder.file("csv")
        try export.write(to: folder)
        let keys = [fixture.key.publicKey]
        let intact = ReportVerifier.verify(path: folder, keys: keys)
        #expect(intact.isIntact, "\(intact.problem ?? "")")
        #expect(intact.filesChecked == export.files.count - 1)
        #expect(export.files.map(\.name).contains("coverage_by_day.csv"))

        for name in ["coverage_by_day.csv", "rejections_by_source.csv", ReportManifest.fileName] {
            let path = folder + "/" + name
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            for index in Self.positions(original.count, samples: 12) {
                try Data(Self.changed(original, at: index)).write(to: URL(fileURLWithPath: path))
                #expect(!ReportVerifier.verify(path: folder, keys: keys).isIntact, "\(name) byte \(index)")
            }
            try Data(original).write(to: URL(fileURLWithPath: path))
        }
        #expect(ReportVerifier.verify(path: folder, keys: keys).isIntact)
        try Data("x\r\n".utf8).write(to: URL(fileURLWithPath: folder + "/extra.csv"))
        #expect(ReportVerifier.verify(path: folder, keys: keys).problem?.contains("extra.csv") == true)
        try FileManager.default.removeItem(atPath: folder + "/extra.csv")
        try FileManager.default.removeItem(atPath: folder + "/coverage_gaps.csv")
        #expect(ReportVerifier.verify(path: folder, keys: keys).problem?.contains("coverage_gaps.csv") == true)
    }

    @Test("a bundle holds the report, the period's events, checkpoints and keys, all under its signed manifest")
    func bundle() throws {
        let fixture = try ReportFixture()
        let request = try fixture.request(.pciDSS)
        let export = try ReportExport.generate(request, format: .json, key: fixture.key, via: "cli")
        let folder = fixture.folder.file("bundle")
        let names = try ReportBundle.write(export, request: request, key: fixture.key, to: folder)
        #expect(names == ["report.json", "events.ndjson", "checkpoints.ndjson", "public-keys.pem", "manifest.json"])
        let keys = [fixture.key.publicKey]
        #expect(ReportVerifier.verify(path: folder, keys: keys).isIntact)
        let events = try String(contentsOfFile: folder + "/events.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(events.count == 33)
        let rejected = events.filter { $0.contains(#""outcome":"rejected""#) }
        #expect(rejected.count == 7)
        #expect(events.allSatisfy { $0.contains(#""ref":""#) })
        let pem = try String(contentsOfFile: folder + "/public-keys.pem", encoding: .utf8)
        #expect(try Ed25519PublicKey.keys(in: pem) == keys)

        let path = folder + "/events.ndjson"
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        try Data(Self.changed(original, at: original.count / 2)).write(to: URL(fileURLWithPath: path))
        #expect(ReportVerifier.verify(path: folder, keys: keys).problem?.contains("events.ndjson") == true)
    }
}
