import Foundation

/// A case's recorded configuration: the JSON object in its `config` attribute (hyperparameters, flags, dropout p).
///
/// Replays read it by key; a missing key or a value of the wrong kind is an error naming the key.
public struct CaseConfiguration: Sendable, CustomStringConvertible {
    /// One JSON value.
    public enum Value: Sendable, Equatable, Decodable, CustomStringConvertible {
        case number(Double)
        case bool(Bool)
        case string(String)
        case array([Value])
        case object([String: Value])
        case null

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let b = try? c.decode(Bool.self) { self = .bool(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else if let s = try? c.decode(String.self) { self = .string(s) }
            else if let a = try? c.decode([Value].self) { self = .array(a) }
            else { self = .object(try c.decode([String: Value].self)) }
        }

        /// The value as JSON text (`true`, `0.5`, `"mean"`, `[1, 32, 32]`, `null`).
        public var description: String {
            switch self {
            case .number(let d): Int(exactly: d).map(String.init) ?? "\(d)"
            case .bool(let b): "\(b)"
            case .string(let s): "\"\(s)\""
            case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
            case .object(let members):
                "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
            case .null: "null"
            }
        }
    }

    public let values: [String: Value]
    /// The JSON text as recorded.
    public let json: String

    /// Parses the `config` attribute's text, which must be a JSON object.
    public init(json: String) throws(ConfigurationError) {
        guard let data = json.data(using: .utf8),
              let values = try? JSONDecoder().decode([String: Value].self, from: data)
        else { throw ConfigurationError(key: nil, message: "config is not a JSON object: \(json)") }
        self.values = values
        self.json = json
    }

    public var description: String { json }

    public func contains(_ key: String) -> Bool { values[key] != nil && values[key] != .null }

    public func int(_ key: String) throws(ConfigurationError) -> Int {
        guard case .number(let d) = try value(key), let i = Int(exactly: d) else { throw wrong(key, "an integer") }
        return i
    }

    public func double(_ key: String) throws(ConfigurationError) -> Double {
        guard case .number(let d) = try value(key) else { throw wrong(key, "a number") }
        return d
    }

    public func bool(_ key: String) throws(ConfigurationError) -> Bool {
        guard case .bool(let b) = try value(key) else { throw wrong(key, "true or false") }
        return b
    }

    public func string(_ key: String) throws(ConfigurationError) -> String {
        guard case .string(let s) = try value(key) else { throw wrong(key, "a string") }
        return s
    }

    public func ints(_ key: String) throws(ConfigurationError) -> [Int] {
        guard case .array(let items) = try value(key) else { throw wrong(key, "an array of integers") }
        var result: [Int] = []
        for item in items {
            guard case .number(let d) = item, let i = Int(exactly: d) else { throw wrong(key, "an array of integers") }
            result.append(i)
        }
        return result
    }

    /// The value at `key`, or `fallback` when the key is absent (for flags whose default the schema documents).
    public func bool(_ key: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        contains(key) ? try bool(key) : fallback
    }

    public func string(_ key: String, default fallback: String) throws(ConfigurationError) -> String {
        contains(key) ? try string(key) : fallback
    }

    private func value(_ key: String) throws(ConfigurationError) -> Value {
        guard let v = values[key], v != .null else {
            throw ConfigurationError(key: key, message: "config has no '\(key)' (config: \(json))")
        }
        return v
    }

    private func wrong(_ key: String, _ expected: String) -> ConfigurationError {
        ConfigurationError(key: key, message: "config '\(key)' should be \(expected), found \(values[key].map { "\($0)" } ?? "nothing")")
    }
}

/// A recorded configuration that lacks a key a replay needs, or holds the wrong kind of value.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var key: String?
    public var message: String
    public var description: String { message }
}
