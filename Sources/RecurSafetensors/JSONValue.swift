/// A value of the JSON subset that safetensors headers use: objects (keys in
/// file order), arrays, strings and integers.
enum JSONValue: Sendable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case integer(Int)

    /// A short name of the value's kind, for error messages.
    var kind: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer: "an integer"
        }
    }
}
