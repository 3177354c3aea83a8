import Foundation
import JWTAuditCollector
import JWTAuditMetrics
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite struct DaemonMetricsTests {
    @Test("catalogue names follow Prometheus conventions: jwtaudit_ prefix, _total counters only, base units")
    func names() {
        for entry in MetricCatalog.all {
            #expect(entry.name.hasPrefix("jwtaudit_"), "\(entry.name)")
            #expect(entry.name.hasSuffix("_total") == (entry.kind == .counter), "\(entry.name)")
            #expect(!entry.name.contains("millis") && !entry.name.contains("_ms") && !entry.name.contains("kilo"))
            #expect(!entry.help.isEmpty)
        }
        #expect(Set(MetricCatalog.all.map(\.name)).count == MetricCatalog.all.count)
    }

    @Test("a scrape reads the collector's atomics as they are at scrape time; counters never go back")
    func scrapeTime() throws {
        let folder = try TemporaryDirectory()
        let counters = CollectorCounters()
        let metrics = DaemonMetrics(
            sources: .init(collector: counters, directory: DataDirectory(root: folder.path)),
            factory: CatalogMetricsFactory())
        counters.eventsStored.store(41, ordering: .relaxed)
        counters.connectionsOpen.store(3, ordering: .relaxed)
        var text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains("jwtaudit_events_stored_total 41\n"))
        #expect(text.contains("jwtaudit_connections 3.0\n"))
        #expect(text.contains(#"jwtaudit_events_rejected_total{code="invalid_json"} 0"#))
        counters.eventsStored.store(43, ordering: .relaxed)
        counters.connectionsOpen.store(0, ordering: .relaxed)
        text = String(decoding: metrics.render(), as: UTF8.self)
        #expect(text.contains("jwtaudit_events_stored_total 43\n"))
        #expect(text.contains("jwtaudit_connections 0.0\n"))
        #expect(text.contains("# HELP jwtaudit_events_stored_total Events durably stored (acknowledged).\n"))
    }

    @Test("store size is reported per tier: partitions online, archive files; closes for limits by reason")
    func storeSizeAndCloses() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.path)
        let writer = try EventWriter(directory: directory, configuration: StoreConfiguration())
        try writer.write((0..<50).map { EventFactory.event($0) }, now: 0)
        try writer.close(now: 0)
        try FileManager.default.createDirectory(atPath: directory.archivePath, withIntermediateDirectories: true)
        let archived = directory.archivePath(PartitionDay(containing: EventFactory.baseTime - 86_400_000_000 * 200))
        try SQLiteConnection(path: archived).execute("CREATE TABLE t (x); INSERT INTO t VALUES (zeroblob(5000))")
        let counters = CollectorCounters()
        counters.connectionsTimedOut.store(2, ordering: .relaxed)
        let metrics = DaemonMetrics(
            sources: .init(collector: counters, directory: directory), factory: CatalogMetricsFactory())
        let text = String(decoding: metrics.render(), as: UTF8.self)
        func value(_ series: String) -> Double? { PrometheusText.value(of: series, in: text) }
        let online = try #require(value(#"jwtaudit_store_size_bytes{tier="online"}"#))
        let archive = try #require(value(#"jwtaudit_store_size_bytes{tier="archive"}"#))
        #expect(online == Double(directory.partitionBytes(PartitionDay(containing: EventFactory.baseTime))))
        #expect(online > 0)
        #expect(archive >= 5_000)
        #expect(value(#"jwtaudit_connections_closed_total{reason="line_timeout"}"#) == 2)
        #expect(value(#"jwtaudit_connections_closed_total{reason="write_stall"}"#) == 0)
    }

    @Test("token events are counted by service, kind, outcome and reason; services past the cap count as _other")
    func tokenEvents() {
        let counter = TokenEventCounter(maxServices: 2)
        func event(_ service: String, _ outcome: Outcome?, _ reason: Reason?, kind: EventKind = .validate) -> AuditEvent {
            var event = EventFactory.event(0)
            event.service = service
            event.kind = kind
            event.outcome = outcome
            event.reason = reason
            return event
        }
        counter.count([
            event("api", .rejected, .expired), event("api", .rejected, .expired), event("api", .accepted, nil),
            event("auth", nil, nil, kind: .issue), event("api", .rejected, .badSignature),
        ])
        counter.count([event("third", .rejected, .expired), event("api", .rejected, .expired)])
        let totals = Dictionary(
            uniqueKeysWithValues: counter.totals.map {
                ("\($0.service)/\($0.kind.name)/\($0.outcome?.name ?? "none")/\($0.reason?.name ?? "none")", $0.events)
            })
        #expect(totals == [
            "api/validate/rejected/expired": 3, "api/validate/accepted/none": 1, "auth/issue/none/none": 1,
            "api/validate/rejected/bad_signature": 1, "_other/validate/rejected/expired": 1,
        ])
    }
}
