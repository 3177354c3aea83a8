extension RetentionPolicy {
    /// Problems against the minimums of the frameworks the file names, and GDPR's storage-limitation nudge.
    func frameworkProblems() -> [RetentionProblem] {
        var problems: [RetentionProblem] = []
        // (field path, line, value) for each subject present in the file.
        var eventKeeps: [(String, Int)] = []
        var eventOnlines: [(String, Int)] = []
        for (index, rule) in policies.enumerated() {
            eventKeeps.append(("policies[\(index)].keep_days", rule.period.keepDays))
            eventOnlines.append(("policies[\(index)].online_days", rule.period.onlineDays))
        }
        if lines["default.keep_days"] != nil { eventKeeps.append(("default.keep_days", defaultPeriod.keepDays)) }
        if lines["default.online_days"] != nil {
            eventOnlines.append(("default.online_days", defaultPeriod.onlineDays))
        }
        var alertKeeps: [(String, Int)] = []
        if lines["alerts.keep_days"] != nil { alertKeeps.append(("alerts.keep_days", alertKeepDays)) }
        var exportKeeps: [(String, Int)] = []
        if lines["report_exports.keep_days"] != nil {
            exportKeeps.append(("report_exports.keep_days", reportExportKeepDays))
        }

        for minimum in RetentionMinimum.all where frameworks.contains(minimum.framework) {
            let values: [(String, Int)]
            let key: String
            switch minimum.subject {
            case .eventKeep: (values, key) = (eventKeeps, "keep_days")
            case .eventOnline: (values, key) = (eventOnlines, "online_days")
            case .alertKeep: (values, key) = (alertKeeps, "keep_days")
            case .reportExportKeep: (values, key) = (exportKeeps, "keep_days")
            }
            for (field, days) in values where days < minimum.days {
                let kind = minimum.severity == .error ? "minimum" : "recommended minimum"
                let message =
                    "\(key) \(days) is below the \(minimum.framework.displayName) \(kind) of \(minimum.days) days "
                    + "(\(minimum.source))"
                problems.append(
                    RetentionProblem(
                        severity: minimum.severity, file: file, line: line(of: field), field: field, message: message))
            }
        }

        if frameworks.contains(.gdpr), !pseudonymisation.covers("sub") {
            let long = eventKeeps + alertKeeps
            for (field, days) in long where days > RetentionMinimum.gdprLongKeepDays {
                let message =
                    "keep_days \(days) keeps personal data (sub, client_ip) in clear for more than "
                    + "\(RetentionMinimum.gdprLongKeepDays) days; GDPR Art. 5(1)(e) storage limitation: "
                    + "enable pseudonymisation of sub or shorten the period"
                problems.append(
                    RetentionProblem(
                        severity: .warning, file: file, line: line(of: field), field: field, message: message))
            }
        }
        return problems
    }

    /// The line of a field, or of the nearest enclosing object present in the file.
    func line(of field: String) -> Int {
        var path = Substring(field)
        while true {
            if let line = lines[String(path)] { return line }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return lines[""] ?? 1 }
            path = path[..<cut]
        }
    }
}
