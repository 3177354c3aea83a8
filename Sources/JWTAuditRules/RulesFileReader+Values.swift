import JWTAuditDetection
import Yams

/// Scalar values: whole numbers, numbers, booleans, durations, text, severities and lists of text.
///
/// Numbers and booleans must be written plain (`20`, `true`); a quoted `"20"` is text, not a number.
extension RulesFileReader {
    static let second: Int64 = 1_000_000
    /// The longest duration a rules file may name: anything longer is a typo.
    static let longestDuration: Int64 = 365 * 86_400 * second
    static let durationForm = "a duration such as 30s, 5m, 2h or 7d (or whole seconds)"

    /// The text of a plain (unquoted, not null) scalar.
    static func plainText(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any, !isNull(node)
        else { return nil }
        return scalar.string
    }

    /// Whether `text` is an optional sign followed by digits.
    static func isWholeNumber(_ text: String) -> Bool {
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A whole number of at least `minimum`.
    mutating func integer(_ entry: Entry, minimum: Int? = nil) -> Int? {
        guard let text = Self.plainText(entry.value), Self.isWholeNumber(text), let value = Int(text) else {
            report(entry.valueLine, entry.path, "must be a whole number, got \(Self.describe(entry.value))")
            return nil
        }
        if let minimum, value < minimum {
            report(entry.valueLine, entry.path, "must be at least \(minimum), got \(value)")
            return nil
        }
        return value
    }

    /// A finite number above 0.
    mutating func positiveNumber(_ entry: Entry) -> Double? {
        guard let text = Self.plainText(entry.value), let value = Double(text), value.isFinite else {
            report(entry.valueLine, entry.path, "must be a number, got \(Self.describe(entry.value))")
            return nil
        }
        guard value > 0 else {
            report(entry.valueLine, entry.path, "must be above 0, got \(text)")
            return nil
        }
        return value
    }

    /// `true` or `false`.
    mutating func boolean(_ entry: Entry) -> Bool? {
        switch Self.plainText(entry.value)?.lowercased() {
        case "true": return true
        case "false": return false
        default:
            report(entry.valueLine, entry.path, "must be true or false, got \(Self.describe(entry.value))")
            return nil
        }
    }

    /// A duration in microseconds: `30s`, `5m`, `2h`, `7d`, or a whole number of seconds; at least
    /// `minimum` (0, or 1 for "longer than 0") and at most ``longestDuration``.
    mutating func duration(_ entry: Entry, minimum: Int64) -> Int64? {
        guard let value = Self.durationValue(entry.value) else {
            report(entry.valueLine, entry.path, "must be \(Self.durationForm), got \(Self.describe(entry.value))")
            return nil
        }
        if value < 0 {
            report(entry.valueLine, entry.path, "must not be negative")
            return nil
        }
        if value < minimum {
            report(entry.valueLine, entry.path, "must be longer than 0")
            return nil
        }
        if value > Self.longestDuration {
            report(entry.valueLine, entry.path, "must be at most 365d")
            return nil
        }
        return value
    }

    /// The microseconds a duration scalar names (negative for a negative number of seconds); `nil` when it
    /// is not a duration. Values too large to hold come back as `Int64.max`.
    static func durationValue(_ node: Node) -> Int64? {
        guard case .scalar(let scalar) = node, !isNull(node) else { return nil }
        let text = scalar.string
        let plain = scalar.style == .plain || scalar.style == .any
        if plain, isWholeNumber(text) {
            guard let seconds = Int64(text) else { return text.hasPrefix("-") ? -1 : Int64.max }
            return seconds.multipliedReportingOverflow(by: second).overflow ? Int64.max : seconds * second
        }
        guard let unit = text.last, text.count >= 2 else { return nil }
        let number = text.dropLast()
        guard number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = second
        case "m": scale = 60 * second
        case "h": scale = 3_600 * second
        case "d": scale = 86_400 * second
        default: return nil
        }
        guard let count = Int64(number) else { return Int64.max }
        let (product, overflow) = count.multipliedReportingOverflow(by: scale)
        return overflow ? Int64.max : product
    }

    /// Text written as a scalar (quoted or not); empty text only when `allowEmpty`.
    mutating func text(_ entry: Entry, allowEmpty: Bool = false) -> String? {
        guard case .scalar(let scalar) = entry.value, !Self.isNull(entry.value) else {
            report(entry.valueLine, entry.path, "must be text, got \(Self.describe(entry.value))")
            return nil
        }
        if scalar.string.isEmpty, !allowEmpty {
            report(entry.valueLine, entry.path, "must not be empty")
            return nil
        }
        return scalar.string
    }

    /// `low`, `medium`, `high` or `critical`.
    mutating func severity(_ entry: Entry) -> Severity? {
        guard let name = text(entry) else { return nil }
        guard let severity = Severity(name: name) else {
            report(entry.valueLine, entry.path, "must be low, medium, high or critical, got \"\(name)\"")
            return nil
        }
        return severity
    }

    /// A list of non-empty texts; each item that `check` refuses (returning a message) is reported.
    /// `nil` when any item is wrong.
    mutating func textList(_ entry: Entry, what: String, check: (String) -> String? = { _ in nil }) -> [String]? {
        guard let items = list(entry, what: what) else { return nil }
        var values: [String] = []
        var good = true
        for item in items {
            guard let value = text(item) else {
                good = false
                continue
            }
            if let message = check(value) {
                report(item.valueLine, item.path, message)
                good = false
            }
            values.append(value)
        }
        return good ? values : nil
    }
}
