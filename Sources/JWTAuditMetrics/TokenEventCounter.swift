import JWTAuditModel
import NIOConcurrencyHelpers

/// Counts committed events by service, kind, outcome and reason for `jwtaudit_token_events_total`.
///
/// Called once per committed batch on the writer thread: events are grouped in runs of one service
/// (a batch mostly comes from one connection) and counted into a fixed array per service, so the
/// cost per event is a string comparison and an increment. Services past ``maxServices`` count as
/// `_other`, since service names come from the producers and must not grow the metrics unbounded.
public final class TokenEventCounter: Sendable {
    /// Distinct services counted by name at most. Default 256.
    public let maxServices: Int
    private let counts = NIOLockedValueBox<[String: [Int64]]>([:])

    static let kinds = EventKind.allCases.count
    static let outcomes = Outcome.allCases.count + 1
    static let reasons = Reason.allCases.count + 1
    static let slots = kinds * outcomes * reasons
    /// The label value for a service past the limit.
    public static let otherService = "_other"

    /// A counter at zero.
    public init(maxServices: Int = 256) {
        self.maxServices = maxServices
    }

    /// Counts `events`.
    public func count(_ events: [AuditEvent]) {
        guard let first = events.first else { return }
        var local: [String: [Int64]] = [:]
        var service = first.service
        var slots = [Int64](repeating: 0, count: Self.slots)
        // Fields are read in place: `for event in events` would copy every event (about 20
        // strings retained and released) on the writer thread.
        for index in events.indices {
            if events[index].service != service {
                Self.merge(slots, into: &local[service, default: []])
                service = events[index].service
                for slot in slots.indices { slots[slot] = 0 }
            }
            slots[Self.slot(kind: events[index].kind, outcome: events[index].outcome, reason: events[index].reason)] += 1
        }
        Self.merge(slots, into: &local[service, default: []])
        counts.withLockedValue { totals in
            for (service, slots) in local {
                let name = totals[service] != nil || totals.count < maxServices ? service : Self.otherService
                Self.merge(slots, into: &totals[name, default: []])
            }
        }
    }

    /// One non-zero total.
    public struct Total: Sendable, Hashable {
        public var service: String
        public var kind: EventKind
        public var outcome: Outcome?
        public var reason: Reason?
        public var events: Int64
    }

    /// Every non-zero total since start.
    public var totals: [Total] {
        counts.withLockedValue { totals in
            var result: [Total] = []
            for (service, slots) in totals {
                for (index, events) in slots.enumerated() where events > 0 {
                    let reasonIndex = index % Self.reasons
                    let outcomeIndex = (index / Self.reasons) % Self.outcomes
                    let kindIndex = index / (Self.reasons * Self.outcomes)
                    result.append(
                        Total(
                            service: service, kind: EventKind.allCases[kindIndex],
                            outcome: outcomeIndex == 0 ? nil : Outcome.allCases[outcomeIndex - 1],
                            reason: reasonIndex == 0 ? nil : Reason.allCases[reasonIndex - 1], events: events))
                }
            }
            return result
        }
    }

    private static func slot(kind: EventKind, outcome: Outcome?, reason: Reason?) -> Int {
        // Raw values are the cases' positions; clamped so that a case added out of order cannot trap.
        let kind = min(Int(kind.rawValue), kinds - 1)
        let outcome = outcome.map { min(Int($0.rawValue) + 1, outcomes - 1) } ?? 0
        let reason = reason.map { min(Int($0.rawValue) + 1, reasons - 1) } ?? 0
        return (kind * outcomes + outcome) * reasons + reason
    }

    private static func merge(_ slots: [Int64], into target: inout [Int64]) {
        if target.isEmpty { target = [Int64](repeating: 0, count: Self.slots) }
        for index in slots.indices where slots[index] != 0 { target[index] += slots[index] }
    }
}
