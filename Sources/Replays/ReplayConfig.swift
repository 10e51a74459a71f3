import Foundation
public import Fixtures

/// A JSON value of a case's `config`.
public typealias JSONValue = CaseConfiguration.Value

/// A case's configuration checked against its replay's declared keys: unknown keys refused (the known ones
/// listed), required keys present, every value of its declared type, defaults filled in. Reads are recorded, so the
/// runner can check after the run that the replay read every key it declares.
public struct ReplayConfig: Sendable {
    let values: [String: JSONValue]
    let declared: [String: ConfigKey]
    let replay: String
    let ledger: UsageLedger

    /// Validates `configuration` against `keys`; every error names the key.
    init(_ configuration: CaseConfiguration, keys: [ConfigKey], replay: String, ledger: UsageLedger) throws(ReplayError) {
        let known = keys.map(\.name)
        let unknown = configuration.values.keys.filter { !known.contains($0) }.sorted()
        if let first = unknown.first {
            throw ReplayError(
                "config key '\(first)' is not one replay '\(replay)' reads"
                    + (unknown.count > 1 ? " (nor \(unknown.dropFirst().map { "'\($0)'" }.joined(separator: ", ")))" : "")
                    + "; its keys are: " + (known.isEmpty ? "none" : known.joined(separator: ", ")),
                kind: "config")
        }
        var values: [String: JSONValue] = [:]
        for key in keys {
            guard let value = configuration.values[key.name] ?? key.defaultValue else {
                throw ReplayError("config has no '\(key.name)' (\(key.kind.description)), which replay '\(replay)' requires", kind: "config")
            }
            try Self.check(value, against: key)
            values[key.name] = value
        }
        self.values = values
        self.declared = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })
        self.replay = replay
        self.ledger = ledger
    }

    private static func check(_ value: JSONValue, against key: ConfigKey) throws(ReplayError) {
        let ok: Bool
        switch (key.kind, value) {
        case (.int(let minimum), .number(let d)): ok = Int(exactly: d).map { $0 >= minimum } ?? false
        case (.number, .number): ok = true
        case (.bool, .bool): ok = true
        case (.string(let allowed), .string(let s)): ok = allowed.isEmpty || allowed.contains(s)
        case (.ints(let count), .array(let items)):
            ok = items.allSatisfy { if case .number(let d) = $0 { (Int(exactly: d) ?? 0) >= 1 } else { false } }
                && (count == nil || items.count == count)
        case (.numberOrNull, .number), (.numberOrNull, .null): ok = true
        default: ok = false
        }
        if !ok {
            throw ReplayError("config '\(key.name)' should be \(key.kind.description), found \(value)", kind: "config")
        }
    }

    private func value(_ key: String) throws(ReplayError) -> JSONValue {
        guard let value = values[key] else {
            // A replay reading a key its declaration omits: a bug in the replay, caught by the parity tests.
            throw ReplayError("replay '\(replay)' reads config key '\(key)', which its declaration does not list", kind: "replay")
        }
        ledger.noteConfig(key)
        return value
    }

    public func int(_ key: String) throws(ReplayError) -> Int {
        guard case .number(let d) = try value(key), let i = Int(exactly: d) else { throw mismatch(key, "int") }
        return i
    }

    public func double(_ key: String) throws(ReplayError) -> Double {
        guard case .number(let d) = try value(key) else { throw mismatch(key, "number") }
        return d
    }

    /// A `number | null` key: nil for `null`.
    public func optionalDouble(_ key: String) throws(ReplayError) -> Double? {
        switch try value(key) {
        case .number(let d): return d
        case .null: return nil
        default: throw mismatch(key, "number | null")
        }
    }

    public func bool(_ key: String) throws(ReplayError) -> Bool {
        guard case .bool(let b) = try value(key) else { throw mismatch(key, "bool") }
        return b
    }

    public func string(_ key: String) throws(ReplayError) -> String {
        guard case .string(let s) = try value(key) else { throw mismatch(key, "string") }
        return s
    }

    public func ints(_ key: String) throws(ReplayError) -> [Int] {
        guard case .array(let items) = try value(key) else { throw mismatch(key, "[int]") }
        return items.compactMap { if case .number(let d) = $0 { Int(exactly: d) } else { nil } }
    }

    private func mismatch(_ key: String, _ type: String) -> ReplayError {
        ReplayError("replay '\(replay)' reads config '\(key)' as \(type), but declares it \(declared[key]?.kind.description ?? "?")", kind: "replay")
    }
}

/// What a run read: config keys and inputs. A reference type, so copies of a `ReplayInput` share it.
final class UsageLedger: @unchecked Sendable {
    private let lock = NSLock()
    private var config: Set<String> = []
    private var inputs: Set<String> = []

    func noteConfig(_ key: String) { lock.withLock { _ = config.insert(key) } }
    func noteInput(_ name: String) { lock.withLock { _ = inputs.insert(name) } }
    var configRead: Set<String> { lock.withLock { config } }
    var inputsRead: Set<String> { lock.withLock { inputs } }
}
