/// A value from a fixed list (a data scope, a field type…) read from JSON.
/// A value outside the list is refused with the field's name and the values
/// it may take, as a rule the interface can translate — never Swift's
/// decoding text ("Cannot initialize DataScope from invalid String value").
public protocol ClosedSetValue: RawRepresentable, CaseIterable, Decodable where RawValue == String {}

extension ClosedSetValue {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(rawValue: text) else {
            let field = decoder.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            let allowed = Self.allCases.map(\.rawValue).joined(separator: ", ")
            let shown = String(text.prefix(40))
            throw DomainError.invalid(
                field, "\(field) must be one of \(allowed), not “\(shown)”", code: MessageCode("oneOf", ["field": field, "allowed": allowed, "value": shown]))
        }
        self = value
    }
}
