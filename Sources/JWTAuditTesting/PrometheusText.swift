/// Values read from the Prometheus text format, as `/metrics` serves it.
public enum PrometheusText {
    /// The value of `series` in `text`, nil when it is not there; `series` is the name with its
    /// labels as Prometheus prints them (`jwtaudit_connections_closed_total{reason="line_timeout"}`).
    public static func value(of series: String, in text: String) -> Double? {
        let line = text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) }
    }
}
