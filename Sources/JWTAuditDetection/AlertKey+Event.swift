import JWTAuditModel

extension AlertKey {
    /// A key of the named wire fields that `event` has, in the order given.
    static func of(_ event: AuditEvent, _ names: String...) -> AlertKey {
        var fields: [Field] = []
        for name in names {
            if let field = EventField(rawValue: name), let value = field.value(in: event) {
                fields.append(Field(name, value))
            }
        }
        return AlertKey(fields)
    }
}
