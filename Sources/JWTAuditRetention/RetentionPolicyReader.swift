import JWTAuditModel

/// Walks a parsed policy file, building a ``RetentionPolicy`` and collecting every structural problem.
struct RetentionPolicyReader {
    let file: String
    private var problems: [RetentionProblem] = []
    private var lines: [String: Int] = [:]

    /// Known names: the wire names of the model's `Outcome`, `Reason` and `TokenType`.
    static let outcomes = Outcome.allCases.map(\.name)
    static let reasons = Reason.allCases.map(\.name)
    static let tokenTypes = TokenType.allCases.map(\.name)
    static let pseudonymisableFields = ["sub", "client_ip"]
    /// No period may exceed 100 years: a larger number is a typo.
    static let maximumDays = 36_500

    init(file: String) { self.file = file }

    mutating func read(_ root: PositionedJSON) -> RetentionPolicy {
        var policy = RetentionPolicy(
            file: file, version: 1, frameworks: [], policies: [],
            defaultPeriod: RetentionPeriod(onlineDays: 90, keepDays: 365), alertKeepDays: 365,
            reportExportKeepDays: 365, legalHolds: [],
            pseudonymisation: Pseudonymisation(enabled: false, fields: Self.pseudonymisableFields),
            schedule: .daily(hour: 3, minute: 0))
        let top = [
            "version", "frameworks", "policies", "default", "alerts", "report_exports", "legal_holds",
            "pseudonymisation", "schedule",
        ]
        guard let members = object(root, path: "", allowed: top) else {
            policy.structuralProblems = problems
            return policy
        }
        if let member = require(members, "version", in: "", line: root.line) {
            if case .integer(let version) = member.value.value, version == 1 {
                policy.version = version
            } else {
                error(member.line, "version", "must be 1, the only format version")
            }
        }
        if let member = require(members, "frameworks", in: "", line: root.line) {
            policy.frameworks = frameworks(member)
        }
        if let member = members["policies"] {
            policy.policies = rules(member)
        }
        if let member = require(members, "default", in: "", line: root.line),
            let fields = object(member.value, path: "default", allowed: ["online_days", "keep_days"])
        {
            policy.defaultPeriod = period(fields, path: "default", line: member.line) ?? policy.defaultPeriod
        }
        if let member = require(members, "alerts", in: "", line: root.line),
            let fields = object(member.value, path: "alerts", allowed: ["keep_days"]),
            let days = days(fields, "keep_days", in: "alerts", line: member.line, minimum: 1)
        {
            policy.alertKeepDays = days
        }
        if let member = require(members, "report_exports", in: "", line: root.line),
            let fields = object(member.value, path: "report_exports", allowed: ["keep_days"]),
            let days = days(fields, "keep_days", in: "report_exports", line: member.line, minimum: 1)
        {
            policy.reportExportKeepDays = days
        }
        if let member = members["legal_holds"] {
            policy.legalHolds = holds(member)
        }
        if let member = members["pseudonymisation"] {
            policy.pseudonymisation = pseudonymisation(member) ?? policy.pseudonymisation
        }
        if let member = members["schedule"] {
            policy.schedule = schedule(member) ?? policy.schedule
        }
        policy.structuralProblems = problems
        policy.lines = lines
        return policy
    }

    // MARK: - Sections

    private mutating func frameworks(_ member: PositionedJSON.Member) -> [RetentionFramework] {
        guard let elements = array(member.value, path: "frameworks") else { return [] }
        var result: [RetentionFramework] = []
        for (index, element) in elements.enumerated() {
            let path = "frameworks[\(index)]"
            guard let name = string(element, path: path) else { continue }
            guard let framework = RetentionFramework(rawValue: name) else {
                let known = RetentionFramework.allCases.map(\.rawValue).joined(separator: ", ")
                error(element.line, path, "unknown framework '\(name)'; known: \(known)")
                continue
            }
            if result.contains(framework) {
                error(element.line, path, "framework '\(name)' is named twice")
                continue
            }
            result.append(framework)
        }
        return result
    }

    private mutating func rules(_ member: PositionedJSON.Member) -> [EventRetentionRule] {
        guard let elements = array(member.value, path: "policies") else { return [] }
        var result: [EventRetentionRule] = []
        var names: [String: Int] = [:]
        var catchAll: String?
        for (index, element) in elements.enumerated() {
            let path = "policies[\(index)]"
            guard
                let fields = object(element, path: path, allowed: ["name", "match", "online_days", "keep_days"])
            else { continue }
            var name = "policies[\(index)]"
            if let nameMember = require(fields, "name", in: path, line: element.line),
                let text = nonEmptyString(nameMember.value, path: "\(path).name")
            {
                if let first = names[text] {
                    error(nameMember.line, "\(path).name", "duplicate policy name '\(text)' (also policies[\(first)])")
                } else {
                    names[text] = index
                }
                name = text
            }
            var match = EventMatch()
            if let matchMember = require(fields, "match", in: path, line: element.line) {
                match = self.match(matchMember, path: "\(path).match") ?? match
                if let previous = catchAll {
                    warning(element.line, path, "never used: policy '\(previous)' before it matches every event")
                } else if case .object(let criteria) = matchMember.value.value, criteria.isEmpty {
                    catchAll = name
                }
            }
            guard let period = period(fields, path: path, line: element.line) else { continue }
            result.append(EventRetentionRule(name: name, match: match, period: period))
        }
        return result
    }

    private mutating func match(_ member: PositionedJSON.Member, path: String) -> EventMatch? {
        guard let fields = object(member.value, path: path, allowed: ["outcome", "reason", "service", "token_type"])
        else { return nil }
        var match = EventMatch()
        if let outcome = fields["outcome"], let text = string(outcome.value, path: "\(path).outcome") {
            if Self.outcomes.contains(text) {
                match.outcome = text
            } else {
                error(outcome.line, "\(path).outcome", "unknown outcome '\(text)'; allowed: accepted, rejected")
            }
        }
        if let reason = fields["reason"] {
            match.reasons = stringOrList(reason, path: "\(path).reason", allowed: Self.reasons, what: "reason")
            if match.outcome == "accepted", match.reasons != nil {
                warning(reason.line, "\(path).reason", "never matches: accepted events carry no reason")
            }
        }
        if let service = fields["service"] {
            match.services = stringOrList(service, path: "\(path).service", allowed: nil, what: "service")
        }
        if let tokenType = fields["token_type"], let text = string(tokenType.value, path: "\(path).token_type") {
            if Self.tokenTypes.contains(text) {
                match.tokenType = text
            } else {
                error(tokenType.line, "\(path).token_type", "unknown token type '\(text)'; allowed: access, refresh, id")
            }
        }
        return match
    }

    private mutating func holds(_ member: PositionedJSON.Member) -> [LegalHold] {
        guard let elements = array(member.value, path: "legal_holds") else { return [] }
        var result: [LegalHold] = []
        var ids: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let path = "legal_holds[\(index)]"
            let allowed = ["id", "reason", "service", "sub", "from", "to"]
            guard let fields = object(element, path: path, allowed: allowed) else { continue }
            var hold = LegalHold(id: "", reason: "")
            if let idMember = require(fields, "id", in: path, line: element.line),
                let id = nonEmptyString(idMember.value, path: "\(path).id")
            {
                if let first = ids[id] {
                    error(idMember.line, "\(path).id", "duplicate legal hold id '\(id)' (also legal_holds[\(first)])")
                } else {
                    ids[id] = index
                }
                hold.id = id
            }
            if let reasonMember = require(fields, "reason", in: path, line: element.line),
                let reason = nonEmptyString(reasonMember.value, path: "\(path).reason")
            {
                hold.reason = reason
            }
            if let service = fields["service"] { hold.service = nonEmptyString(service.value, path: "\(path).service") }
            if let sub = fields["sub"] { hold.sub = nonEmptyString(sub.value, path: "\(path).sub") }
            hold.from = time(fields["from"], path: "\(path).from")
            hold.to = time(fields["to"], path: "\(path).to")
            if let from = hold.from, let to = hold.to, from > to, let toMember = fields["to"] {
                error(toMember.line, "\(path).to", "is before from; the hold would cover nothing")
            }
            if ["service", "sub", "from", "to"].allSatisfy({ fields[$0] == nil }) {
                warning(element.line, path, "has no service, sub, from or to, so it holds every event")
            }
            result.append(hold)
        }
        return result
    }

    private mutating func pseudonymisation(_ member: PositionedJSON.Member) -> Pseudonymisation? {
        guard let fields = object(member.value, path: "pseudonymisation", allowed: ["enabled", "fields"]) else {
            return nil
        }
        var result = Pseudonymisation(enabled: false, fields: Self.pseudonymisableFields)
        if let enabled = require(fields, "enabled", in: "pseudonymisation", line: member.line) {
            if case .bool(let value) = enabled.value.value {
                result.enabled = value
            } else {
                error(enabled.line, "pseudonymisation.enabled", "must be true or false, not \(enabled.value.typeName)")
            }
        }
        if let list = fields["fields"], let elements = array(list.value, path: "pseudonymisation.fields") {
            var names: [String] = []
            for (index, element) in elements.enumerated() {
                let path = "pseudonymisation.fields[\(index)]"
                guard let name = string(element, path: path) else { continue }
                if !Self.pseudonymisableFields.contains(name) {
                    error(element.line, path, "unknown field '\(name)'; allowed: sub, client_ip")
                } else if names.contains(name) {
                    error(element.line, path, "field '\(name)' is listed twice")
                } else {
                    names.append(name)
                }
            }
            result.fields = names
            if result.enabled, elements.isEmpty {
                warning(list.line, "pseudonymisation.fields", "is empty, so enabled has no effect")
            }
        }
        return result
    }

    private mutating func schedule(_ member: PositionedJSON.Member) -> RetentionSchedule? {
        guard let fields = object(member.value, path: "schedule", allowed: ["every_minutes", "at"]) else { return nil }
        switch (fields["every_minutes"], fields["at"]) {
        case (nil, nil):
            error(member.line, "schedule", "needs every_minutes or at")
            return nil
        case (.some, .some(let at)):
            error(at.line, "schedule.at", "give every_minutes or at, not both")
            return nil
        case (.some, nil):
            guard let minutes = days(fields, "every_minutes", in: "schedule", line: member.line, minimum: 1) else {
                return nil
            }
            guard minutes <= 1440 else {
                error(fields["every_minutes"]!.line, "schedule.every_minutes", "must be at most 1440 (a day)")
                return nil
            }
            return .every(minutes: minutes)
        case (nil, .some(let at)):
            guard let text = string(at.value, path: "schedule.at") else { return nil }
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
                let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
                (0..<60).contains(minute)
            else {
                error(at.line, "schedule.at", "must be a UTC time of day as HH:MM (00:00 to 23:59), not '\(text)'")
                return nil
            }
            return .daily(hour: hour, minute: minute)
        }
    }

    // MARK: - Values

    private mutating func period(
        _ fields: [String: PositionedJSON.Member], path: String, line: Int
    ) -> RetentionPeriod? {
        let online = days(fields, "online_days", in: path, line: line, minimum: 0)
        let keep = days(fields, "keep_days", in: path, line: line, minimum: 1)
        guard let online, let keep else { return nil }
        if online > keep, let member = fields["online_days"] {
            error(member.line, "\(path).online_days", "online_days \(online) is more than keep_days \(keep)")
        }
        return RetentionPeriod(onlineDays: online, keepDays: keep)
    }

    /// A required whole number in `minimum...maximumDays`.
    private mutating func days(
        _ fields: [String: PositionedJSON.Member], _ key: String, in path: String, line: Int, minimum: Int
    ) -> Int? {
        guard let member = require(fields, key, in: path, line: line) else { return nil }
        let field = join(path, key)
        switch member.value.value {
        case .integer(let value) where value < 0:
            error(member.line, field, "must not be negative (\(value))")
        case .integer(let value) where value < minimum:
            error(member.line, field, "must be at least \(minimum)")
        case .integer(let value) where value > Self.maximumDays:
            error(member.line, field, "\(value) is more than \(Self.maximumDays) (100 years); a typo?")
        case .integer(let value):
            return value
        case .number:
            error(member.line, field, "must be a whole number")
        default:
            error(member.line, field, "must be a number, not \(member.value.typeName)")
        }
        return nil
    }

    private mutating func time(_ member: PositionedJSON.Member?, path: String) -> Double? {
        guard let member, let text = string(member.value, path: path) else { return nil }
        guard let seconds = Timestamp.parseRFC3339(text).map({ Double($0) / 1_000_000 }) else {
            error(member.line, path, "'\(text)' is not an RFC 3339 date-time such as 2026-01-31T00:00:00Z")
            return nil
        }
        return seconds
    }

    private mutating func stringOrList(
        _ member: PositionedJSON.Member, path: String, allowed: [String]?, what: String
    ) -> [String]? {
        var values: [(String, Int, String)] = []
        switch member.value.value {
        case .string(let text):
            values = [(text, member.line, path)]
        case .array(let elements):
            if elements.isEmpty {
                error(member.line, path, "an empty list matches nothing; leave the key out to match any \(what)")
                return nil
            }
            for (index, element) in elements.enumerated() {
                if let text = string(element, path: "\(path)[\(index)]") {
                    values.append((text, element.line, "\(path)[\(index)]"))
                }
            }
        default:
            error(member.line, path, "must be a string or an array of strings, not \(member.value.typeName)")
            return nil
        }
        var result: [String] = []
        for (text, line, field) in values {
            if text.isEmpty {
                error(line, field, "must not be empty")
            } else if let allowed, !allowed.contains(text) {
                error(line, field, "unknown \(what) '\(text)'; allowed: \(allowed.joined(separator: ", "))")
            } else if !result.contains(text) {
                result.append(text)
            }
        }
        return result.isEmpty ? nil : result
    }

    private mutating func string(_ value: PositionedJSON, path: String) -> String? {
        guard case .string(let text) = value.value else {
            error(value.line, path, "must be a string, not \(value.typeName)")
            return nil
        }
        return text
    }

    private mutating func nonEmptyString(_ value: PositionedJSON, path: String) -> String? {
        guard let text = string(value, path: path) else { return nil }
        guard !text.isEmpty else {
            error(value.line, path, "must not be empty")
            return nil
        }
        return text
    }

    private mutating func array(_ value: PositionedJSON, path: String) -> [PositionedJSON]? {
        guard case .array(let elements) = value.value else {
            error(value.line, path, "must be an array, not \(value.typeName)")
            return nil
        }
        return elements
    }

    /// The members of an object by key, after reporting unknown and repeated keys; records every key's line.
    private mutating func object(
        _ value: PositionedJSON, path: String, allowed: [String]
    ) -> [String: PositionedJSON.Member]? {
        guard case .object(let members) = value.value else {
            error(value.line, path.isEmpty ? "(top level)" : path, "must be an object, not \(value.typeName)")
            return nil
        }
        lines[path] = value.line
        var result: [String: PositionedJSON.Member] = [:]
        for member in members {
            let field = join(path, member.key)
            if !allowed.contains(member.key) {
                error(member.line, field, "unknown key '\(member.key)'; allowed here: \(allowed.joined(separator: ", "))")
            } else if result[member.key] != nil {
                error(member.line, field, "key '\(member.key)' appears twice in the same object")
            } else {
                result[member.key] = member
                lines[field] = member.line
            }
        }
        return result
    }

    private mutating func require(
        _ fields: [String: PositionedJSON.Member], _ key: String, in path: String, line: Int
    ) -> PositionedJSON.Member? {
        guard let member = fields[key] else {
            error(line, join(path, key), "is required")
            return nil
        }
        return member
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private mutating func error(_ line: Int, _ field: String, _ message: String) {
        problems.append(RetentionProblem(severity: .error, file: file, line: line, field: field, message: message))
    }

    private mutating func warning(_ line: Int, _ field: String, _ message: String) {
        problems.append(RetentionProblem(severity: .warning, file: file, line: line, field: field, message: message))
    }
}
