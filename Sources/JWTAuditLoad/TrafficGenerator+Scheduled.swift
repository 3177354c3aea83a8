/// Lines due at a point of event time rather than drawn at random: the rotation after a refresh
/// validation, the attack's events, a `seq` gap, the `key_unknown` after a key rotation, a
/// double refresh.
extension TrafficGenerator {
    /// Writes the line due at `now`, if any, and returns whether it did.
    mutating func appendScheduled(now: Int64, _ table: UnsafeBufferPointer<UInt8>) -> Bool {
        defer { updateNextScheduled() }
        if pendingRotation >= 0 {
            appendRotation(now: now, table)
            return true
        }
        if attackIndex < attackEvents.count && attackEvents[attackIndex].micros <= now {
            let event = attackEvents[attackIndex]
            attackIndex += 1
            // The attack's line takes this slot at its own time: the clock steps back to it.
            let micros = max(event.micros, lastMicros)
            clockMicros = Double(micros)
            lastMicros = micros
            if let service = universe.serviceNames.firstIndex(of: event.service) {
                serviceLastMicros[service] = micros
            }
            event.appendFields(to: &writer, micros: micros)
            endLine()
            attackLines.append(lineIndex)
            return true
        }
        if let gap = sequenceGap, gap.micros <= now {
            sequence += Int64(gap.skipped)
            sequenceGap = nil
        }
        if staleKeyIndex < staleKeyEvents.count && staleKeyEvents[staleKeyIndex].micros <= now {
            let issuer = staleKeyEvents[staleKeyIndex].issuer
            staleKeyIndex += 1
            if appendRejection(.keyUnknown, issuer: issuer, now: now, table) { return true }
        }
        if let index = races.indices.min(by: { races[$0].micros < races[$1].micros }), races[index].micros <= now {
            let race = races[index]
            races.swapAt(index, races.count - 1)
            races.removeLast()
            if appendRace(race, now: now, table) { return true }
        }
        return false
    }

    /// Sets ``nextScheduledMicros`` to the earliest time a scheduled line may be due.
    mutating func updateNextScheduled() {
        if pendingRotation >= 0 {
            nextScheduledMicros = .min
            return
        }
        var next = Int64.max
        if attackIndex < attackEvents.count { next = min(next, attackEvents[attackIndex].micros) }
        if let gap = sequenceGap { next = min(next, gap.micros) }
        if staleKeyIndex < staleKeyEvents.count { next = min(next, staleKeyEvents[staleKeyIndex].micros) }
        for race in races { next = min(next, race.micros) }
        nextScheduledMicros = next
    }
}
