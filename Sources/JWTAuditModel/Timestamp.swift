/// RFC 3339 timestamps as microseconds since the Unix epoch, UTC.
public enum Timestamp {
    /// The first representable instant, 0001-01-01T00:00:00Z, in microseconds.
    public static let minimumMicros: Int64 = daysFromCivil(year: 1, month: 1, day: 1) * microsPerDay
    /// The last representable instant, 9999-12-31T23:59:59.999999Z, in microseconds.
    public static let maximumMicros: Int64 = daysFromCivil(year: 10_000, month: 1, day: 1) * microsPerDay - 1

    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400 * microsPerSecond

    /// Parses an RFC 3339 date-time (`2026-11-29T03:25:34Z`, `2026-11-29t04:25:34.123456789+01:00`)
    /// into microseconds since the epoch, UTC.
    ///
    /// Accepts a `T` or `t` separator, an optional fraction of 1–9 digits (truncated below a
    /// microsecond), and `Z`, `z` or a `±hh:mm` offset. Rejects impossible dates (Feb 30, Feb 29
    /// outside leap years), hours above 23, minutes or seconds above 59 (so leap seconds too),
    /// offsets above 23:59, and instants whose UTC form falls outside years 0001–9999.
    public static func parseRFC3339(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let count = bytes.count
        guard count >= 20, count <= 35 else { return nil }
        @inline(__always) func digits(_ offset: Int, _ length: Int) -> Int64? {
            var value: Int64 = 0
            var valid = true
            for index in offset..<offset + length {
                let digit = bytes[index] &- UInt8(ascii: "0")
                valid = valid && digit < 10
                value = value &* 10 &+ Int64(digit)
            }
            return valid ? value : nil
        }
        guard let year = digits(0, 4), bytes[4] == UInt8(ascii: "-"), let month = digits(5, 2),
            bytes[7] == UInt8(ascii: "-"), let day = digits(8, 2), bytes[10] | 0x20 == UInt8(ascii: "t"),
            let hour = digits(11, 2), bytes[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
            bytes[16] == UInt8(ascii: ":"), let second = digits(17, 2)
        else { return nil }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour <= 23, minute <= 59, second <= 59
        else { return nil }

        var index = 19
        var fraction: Int64 = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            var scale: Int64 = 100_000
            while index < count, bytes[index] &- UInt8(ascii: "0") < 10 {
                guard index - start < 9 else { return nil }
                fraction += Int64(bytes[index] &- UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < count else { return nil }
        var offsetSeconds: Int64 = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == count, let offsetHours = digits(index + 1, 2), bytes[index + 3] == UInt8(ascii: ":"),
                let offsetMinutes = digits(index + 4, 2), offsetHours <= 23, offsetMinutes <= 59
            else { return nil }
            offsetSeconds = (offsetHours * 60 + offsetMinutes) * 60
            if bytes[index] == UInt8(ascii: "-") { offsetSeconds = -offsetSeconds }
            index += 6
        default:
            return nil
        }
        guard index == count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offsetSeconds
        let micros = seconds * microsPerSecond + fraction
        guard micros >= minimumMicros, micros <= maximumMicros else { return nil }
        return micros
    }

    /// Parses an RFC 3339 date-time, as the byte-buffer overload does.
    public static func parseRFC3339(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parseRFC3339(UnsafeRawBufferPointer($0)) }
    }

    /// `micros` as an RFC 3339 UTC timestamp, with the shortest of 0, 3 or 6 fraction digits
    /// that is exact: `2026-11-29T03:25:34Z`, `2026-11-29T03:25:34.120Z`,
    /// `2026-11-29T03:25:34.123456Z`. Instants outside years 0001–9999 are clamped to that range.
    public static func format(_ micros: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        append(micros, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``format(_:)``'s text to `buffer`.
    static func append(_ micros: Int64, to buffer: inout [UInt8]) {
        let micros = min(max(micros, minimumMicros), maximumMicros)
        let (days, microsOfDay) = floorDivision(micros, microsPerDay)
        let (year, month, day) = civilFromDays(days)
        let secondsOfDay = microsOfDay / microsPerSecond
        let fraction = microsOfDay % microsPerSecond
        appendDigits(year, 4, &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(month, 2, &buffer)
        buffer.append(UInt8(ascii: "-"))
        appendDigits(day, 2, &buffer)
        buffer.append(UInt8(ascii: "T"))
        appendDigits(secondsOfDay / 3_600, 2, &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(secondsOfDay / 60 % 60, 2, &buffer)
        buffer.append(UInt8(ascii: ":"))
        appendDigits(secondsOfDay % 60, 2, &buffer)
        if fraction != 0 {
            buffer.append(UInt8(ascii: "."))
            if fraction % 1_000 == 0 {
                appendDigits(fraction / 1_000, 3, &buffer)
            } else {
                appendDigits(fraction, 6, &buffer)
            }
        }
        buffer.append(UInt8(ascii: "Z"))
    }

    @inline(__always)
    private static func appendDigits(_ value: Int64, _ width: Int, _ buffer: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<width { divisor *= 10 }
        var value = value
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(value / divisor))
            value %= divisor
            divisor /= 10
        }
    }

    private static func floorDivision(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 {
            quotient -= 1
            remainder += divisor
        }
        return (quotient, remainder)
    }

    static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    @inline(__always)
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let year = month <= 2 ? year - 1 : year
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01.
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
