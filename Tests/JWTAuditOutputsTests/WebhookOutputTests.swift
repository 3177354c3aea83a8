import InMemoryLogging
import JWTAuditDetection
import JWTAuditOutputs
import Logging
import Testing

@Suite struct WebhookOutputTests {
    /// A configuration for `url` with fast retries, so tests take milliseconds.
    private func configuration(
        _ url: String, attempts: Int = 4, timeout: Duration = .seconds(5)
    ) -> WebhookOutput.Configuration {
        var configuration = WebhookOutput.Configuration(url: url)
        configuration.headers = ["Authorization": "Bearer s3cr3t-header-value"]
        configuration.timeout = timeout
        configuration.retry = RetryPolicy(maxAttempts: attempts, initialDelay: 0.01, maxDelay: 0.05)
        return configuration
    }

    @Test("a 2xx answer delivers: one JSON POST with the configured headers")
    func delivers() async throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let output = try WebhookOutput(configuration: configuration(server.url))
        output.offer([TestAlerts.alert(id: 42)])
        #expect(await eventually { output.counters.sent.load(ordering: .relaxed) == 1 })
        await output.shutdown(deadline: deadline(in: 5))

        let request = try #require(server.requests.first)
        #expect(server.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.target == "/hooks/alerts?token=secret-in-query")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["authorization"] == "Bearer s3cr3t-header-value")
        let body = try TestAlerts.object(request.body)
        #expect(body["id"] as? Int == 42)
        #expect(body["rule"] as? String == "brute_force_signature")
        #expect(output.counters.snapshot == OutputCounters.Snapshot(accepted: 1, sent: 1))
    }

    @Test("a 503 is retried with the same body, and the next 200 delivers")
    func retriesAfterServiceUnavailable() async throws {
        let server = try TestHTTPServer(statuses: [503, 503, 200])
        defer { server.stop() }
        let output = try WebhookOutput(configuration: configuration(server.url))
        output.offer([TestAlerts.alert(id: 7)])
        #expect(await eventually { output.counters.sent.load(ordering: .relaxed) == 1 })
        await output.shutdown(deadline: deadline(in: 5))

        #expect(server.requests.count == 3)
        #expect(Set(server.requests.map(\.body)).count == 1)
        #expect(output.counters.snapshot == OutputCounters.Snapshot(accepted: 1, sent: 1, retried: 2))
    }

    @Test("a 400 is not retried: the alert counts as failed and is reported as lost")
    func badRequestIsFinal() async throws {
        let server = try TestHTTPServer(statuses: [400])
        defer { server.stop() }
        let output = try WebhookOutput(configuration: configuration(server.url))
        let dispatcher = OutputDispatcher(outputs: [output])
        dispatcher.offer([TestAlerts.alert(id: 1)])
        #expect(await eventually { output.counters.failed.load(ordering: .relaxed) == 1 })
        await dispatcher.shutdown(deadline: deadline(in: 5))

        #expect(server.requests.count == 1)
        #expect(output.counters.snapshot == OutputCounters.Snapshot(accepted: 1, failed: 1))
        #expect(dispatcher.takeLosses() == [OutputLoss(output: "webhook", dropped: 0, failed: 1)])
    }

    @Test("a receiver that is down: every attempt is made, then the alert is dropped and counted")
    func serverDown() async throws {
        let logs = InMemoryLogHandler()
        let logger = Logger(label: "test") { _ in logs }
        let url = "http://127.0.0.1:\(try TestSockets.closedPort())/hook/path-secret"
        let output = try WebhookOutput(configuration: configuration(url, attempts: 3), logger: logger)
        let dispatcher = OutputDispatcher(outputs: [output])
        dispatcher.offer([TestAlerts.alert(id: 1)])
        #expect(await eventually { output.counters.dropped.load(ordering: .relaxed) == 1 })
        await dispatcher.shutdown(deadline: deadline(in: 5))

        #expect(output.counters.snapshot == OutputCounters.Snapshot(accepted: 1, retried: 2, dropped: 1))
        #expect(dispatcher.takeLosses() == [OutputLoss(output: "webhook", dropped: 1, failed: 0)])
        #expect(dispatcher.takeLosses().isEmpty)
        // Logged, and the logs name neither the URL's path nor the header's value.
        let text = logs.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(logs.entries.contains { $0.level == .warning && $0.message == "alert output lost alerts" })
        #expect(text.contains("127.0.0.1"))
        #expect(!text.contains("path-secret"))
        #expect(!text.contains("s3cr3t"))
    }

    @Test(
        "status dispositions: 2xx delivered, 408/429/5xx retried, everything else refused",
        arguments: [
            (200, WebhookOutput.Disposition.delivered), (204, .delivered), (408, .retry), (429, .retry), (500, .retry),
            (503, .retry), (599, .retry), (400, .refused), (401, .refused), (404, .refused), (301, .refused),
            (100, .refused),
        ])
    func dispositions(status: Int, expected: WebhookOutput.Disposition) {
        #expect(WebhookOutput.disposition(ofStatus: status) == expected)
    }

    @Test("a configuration prints its endpoint and header names, never its path, query or header values")
    func redactedDescription() {
        var configuration = WebhookOutput.Configuration(url: "https://hooks.example:8443/services/T0/B0/XYZ?key=abc")
        configuration.headers = ["Authorization": "Bearer s3cr3t"]
        let printed = "\(configuration) \(String(reflecting: configuration))"
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [printed, dumped] {
            #expect(text.contains("https://hooks.example:8443"))
            #expect(text.contains("Authorization"))
            #expect(!text.contains("XYZ") && !text.contains("abc") && !text.contains("s3cr3t"))
        }
    }

    @Test("a header value with a control character is refused when the output is built, without the value")
    func controlCharacterInHeader() {
        var configuration = WebhookOutput.Configuration(url: "https://hooks.example/")
        configuration.headers = ["X-Key": "s3cr3t\u{01}"]
        #expect {
            _ = try WebhookOutput(configuration: configuration)
        } throws: { error in
            "\(error)" == "webhook webhook: header X-Key has a control character in its value"
        }
    }

    @Test("backoff doubles from the initial delay up to the cap, with jitter between half and all of it")
    func backoff() {
        let policy = RetryPolicy()
        #expect((1...8).map { policy.ceiling(afterFailedAttempts: $0) } == [0.5, 1, 2, 4, 8, 16, 30, 30])
        #expect(policy.delay(afterFailedAttempts: 3, random: 0) == 1)
        #expect(policy.delay(afterFailedAttempts: 3, random: 0.5) == 1.5)
        #expect(policy.delay(afterFailedAttempts: 100, random: 0.999_999) <= 30)
    }
}
