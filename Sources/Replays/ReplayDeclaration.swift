/// What a replay reads and writes, declared once: `replay --describe` prints it, docs/replays/ must agree with it
/// (a test compares them), and the runner enforces the config part before the run.
///
/// Inputs and outputs are documentation strings, `name (shape), condition`: the runner's checks on them use what
/// the run actually read and recorded, which is stricter than any pattern.
public struct ReplayDeclaration: Sendable {
    /// The name a case's `replay` attribute gives, e.g. `lstm.classifier`.
    public var name: String
    /// One sentence: what the replay computes and which notebook cell it matches.
    public var summary: String
    /// Every config key the replay reads, typed, with its default when optional. Other keys are refused.
    public var config: [ConfigKey]
    /// Inputs (`inputs/<name>`), each `name (shape) condition`.
    public var inputs: [String]
    /// `state_dict` key prefixes taken from `params/` (`[]`: the replay has no parameters).
    public var parameters: [String]
    /// Outputs (`outputs/<name>`) in the order they are computed.
    public var outputs: [String]

    public init(
        name: String, summary: String, config: [ConfigKey], inputs: [String], parameters: [String], outputs: [String]
    ) {
        self.name = name
        self.summary = summary
        self.config = config
        self.inputs = inputs
        self.parameters = parameters
        self.outputs = outputs
    }

    /// The markdown block `replay --describe` prints for this replay (and docs/replays/*.md embeds).
    public var markdown: String {
        var lines = ["### `\(name)`", "", summary, ""]
        if config.isEmpty {
            lines.append("- config: none")
        } else {
            lines.append("- config:")
            for key in config { lines.append("  - \(key.description)") }
        }
        lines.append("- inputs: " + (inputs.isEmpty ? "none" : inputs.map { "`\($0)`" }.joined(separator: ", ")))
        lines.append("- params: " + (parameters.isEmpty ? "none" : parameters.map { "`\($0)`" }.joined(separator: ", ")))
        lines.append("- outputs, in order: " + outputs.map { "`\($0)`" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}

/// One key of a replay's configuration: its name, type, default (nil: required) and meaning.
public struct ConfigKey: Sendable, CustomStringConvertible {
    /// The JSON type a key's value must have.
    public enum Kind: Sendable, Equatable {
        /// An integer of at least `minimum` (sizes and counts: 1).
        case int(minimum: Int)
        case number
        case bool
        /// A string, one of `allowed` when it is not empty.
        case string(allowed: [String])
        /// An array of integers, of exactly `count` items when given.
        case ints(count: Int?)
        /// A number or `null`.
        case numberOrNull

        var description: String {
            switch self {
            case .int(let minimum): "int >= \(minimum)"
            case .number: "number"
            case .bool: "bool"
            case .string(let allowed): allowed.isEmpty ? "string" : allowed.map { "\"\($0)\"" }.joined(separator: " | ")
            case .ints(let count): (count.map { "[int] of \($0)" } ?? "[int]") + ", each >= 1"
            case .numberOrNull: "number | null"
            }
        }
    }

    public var name: String
    public var kind: Kind
    /// The value taken when the case omits the key; nil when the key is required.
    public var defaultValue: JSONValue?
    public var meaning: String

    public init(_ name: String, _ kind: Kind, default defaultValue: JSONValue? = nil, _ meaning: String = "") {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.meaning = meaning
    }

    /// An integer of at least `min` (default 1: a size or a count).
    public static func int(_ name: String, min: Int = 1, _ meaning: String = "") -> ConfigKey {
        ConfigKey(name, .int(minimum: min), meaning)
    }
    public static func number(_ name: String, _ meaning: String = "") -> ConfigKey { ConfigKey(name, .number, meaning) }
    public static func bool(_ name: String, default value: Bool? = nil, _ meaning: String = "") -> ConfigKey {
        ConfigKey(name, .bool, default: value.map { .bool($0) }, meaning)
    }
    public static func string(_ name: String, _ allowed: [String], default value: String? = nil, _ meaning: String = "") -> ConfigKey {
        ConfigKey(name, .string(allowed: allowed), default: value.map { .string($0) }, meaning)
    }
    public static func ints(_ name: String, count: Int? = nil, _ meaning: String = "") -> ConfigKey {
        ConfigKey(name, .ints(count: count), meaning)
    }
    public static func numberOrNull(_ name: String, _ meaning: String = "") -> ConfigKey {
        ConfigKey(name, .numberOrNull, meaning)
    }

    /// `` `name` (int, required): meaning ``.
    public var description: String {
        let requirement = defaultValue.map { "default \($0)" } ?? "required"
        return "`\(name)` (\(kind.description), \(requirement))" + (meaning.isEmpty ? "" : ": \(meaning)")
    }
}
