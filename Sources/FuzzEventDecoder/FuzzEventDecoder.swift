// libFuzzer target: one wire line through the hello parser and the event decoder.
//
// Built by Fuzz/run with `--sanitize=fuzzer` and `-DJWTAUDIT_FUZZING` (libFuzzer supplies main).
// In a normal build, Replay.swift is the main.
//
// Beyond "does not crash", it checks what must hold for every line: a hello's client name is
// bounded, and an accepted event written back with EventJSON decodes to the same event.
import JWTAuditCrypto
import JWTAuditModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let line = UnsafeRawBufferPointer(start: data, count: size)
    if case .hello(let hello) = HelloRequest.parse(line) {
        precondition((hello.client?.utf8.count ?? 0) <= HelloRequest.maxClientBytes, "hello client over its bound")
    }
    let decoder = EventDecoder(fingerprinter: TokenFingerprinter(secret: Array(repeating: 7, count: 32)))
    guard case .success(let event) = decoder.decode(line) else { return 0 }
    precondition(!event.service.isEmpty && event.service.unicodeScalars.count <= 128, "service out of bounds")
    precondition(event.attributes.count <= decoder.limits.maxAttributes, "too many attributes")
    // Escaping may lengthen the line; the round trip is about content, not the line limit.
    var limits = decoder.limits
    limits.maxLineBytes = Int.max
    let again = EventDecoder(limits: limits, fingerprinter: nil).decode(EventJSON.encode(event))
    guard case .success(let copy) = again else {
        preconditionFailure("an accepted event written back is rejected: \(again)")
    }
    precondition(copy == event, "an accepted event does not survive EventJSON and back")
    return 0
}
