/// The grouped values an alert is about, such as `client_ip=203.0.113.9` or `service=api`.
///
/// Fields keep the order the rule declares them in; two keys are equal when their fields are.
/// The same rule and key within the suppression window update one alert instead of opening another.
public struct AlertKey: Sendable, Hashable, CustomStringConvertible {
    /// Field name (a wire field name such as `client_ip`) and value.
    public var fields: [Field]

    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(_ fields: [Field]) {
        self.fields = fields
    }

    /// A key of one field.
    public init(_ name: String, _ value: String) {
        fields = [Field(name, value)]
    }

    /// `name=value` pairs joined by commas: stable text used to find the alert to update.
    public var description: String {
        fields.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }
}
