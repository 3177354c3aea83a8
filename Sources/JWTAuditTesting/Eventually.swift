import Foundation

/// Polls `body` every 0.1 s until it returns true or `timeout` seconds pass; returns whether it did.
public func eventually(timeout: Double = 20, _ body: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    repeat {
        if try body() { return true }
        Thread.sleep(forTimeInterval: 0.1)
    } while Date() < deadline
    return false
}
