public import Fixtures
public import Tensors

/// What a replay reads from a case: its validated configuration, its inputs by name and its parameters, typed in
/// `S`. Every read is recorded: after the run the runner refuses a case with an input, a parameter or a declared
/// config key the replay never read.
public struct ReplayInput<S: TensorScalar>: Sendable {
    public let fixture: FixtureCase
    /// The `state_dict`, handed out strictly (see `ParameterStore`); int64 buffers through `takeInteger`. Layers
    /// take from it in place (`parameters: &input.parameters`); the runner calls `finish()` after the run.
    public var parameters: ParameterStore<S>
    /// The case's `config`, checked against the replay's declared keys.
    public let config: ReplayConfig
    let ledger: UsageLedger

    /// Checks the configuration against `declaration` and types the parameters in `S`.
    public init(_ fixture: FixtureCase, declaration: ReplayDeclaration) throws(ReplayError) {
        self.fixture = fixture
        let ledger = UsageLedger()
        self.ledger = ledger
        self.config = try ReplayConfig(fixture.configuration, keys: declaration.config, replay: declaration.name, ledger: ledger)
        var parameters: [String: Tensor<S>] = [:]
        var integers: [String: Tensor<Int64>] = [:]
        for (key, value) in fixture.parameters {
            if case .int64(let buffer) = value {
                integers[key] = buffer          // an int64 buffer, e.g. BatchNorm's num_batches_tracked
                continue
            }
            guard let tensor = value.floating(S.self) else {
                throw ReplayError(
                    "wrong dtype for a parameter: '\(key)' is \(value.dtypeName), the case is \(S.dtypeName)",
                    kind: "dtype", tensor: "params/\(key)")
            }
            parameters[key] = tensor
        }
        self.parameters = ParameterStore(parameters, integers: integers)
    }

    /// The config keys and inputs the run read so far.
    public var configKeysRead: Set<String> { ledger.configRead }
    public var inputsRead: Set<String> { ledger.inputsRead }

    /// Whether the case has an input called `name` (does not count as reading it).
    public func has(_ name: String) -> Bool { fixture.inputs[name] != nil }

    /// The floating input `name`, which must exist and be of the case's dtype.
    public func tensor(_ name: String) throws(ReplayError) -> Tensor<S> {
        let value = try input(name)
        guard let tensor = value.floating(S.self) else {
            throw ReplayError("input '\(name)' is \(value.dtypeName), expected \(S.dtypeName)", kind: "dtype", tensor: "inputs/\(name)")
        }
        return tensor
    }

    /// The floating input `name` when present.
    public func optionalTensor(_ name: String) throws(ReplayError) -> Tensor<S>? {
        has(name) ? try tensor(name) : nil
    }

    /// The integer input `name` (token indices, class targets), stored as int64.
    public func indices(_ name: String) throws(ReplayError) -> Tensor<Int64> {
        let value = try input(name)
        guard case .int64(let tensor) = value else {
            throw ReplayError("input '\(name)' is \(value.dtypeName), expected int64", kind: "dtype", tensor: "inputs/\(name)")
        }
        return tensor
    }

    /// The mask input `name` (bool, or uint8 holding 0/1): `true` where the element is kept / allowed.
    public func mask(_ name: String) throws(ReplayError) -> Tensor<Bool> {
        switch try input(name) {
        case .bool(let t): return t
        case .uint8(let t):
            guard t.scalars.allSatisfy({ $0 <= 1 }) else {
                throw ReplayError("mask '\(name)' holds values other than 0 and 1", kind: "input", tensor: "inputs/\(name)")
            }
            return t.map { $0 != 0 }
        case let other:
            throw ReplayError("input '\(name)' is \(other.dtypeName), expected a bool or uint8 mask", kind: "dtype", tensor: "inputs/\(name)")
        }
    }

    /// The mask `name` when present.
    public func optionalMask(_ name: String) throws(ReplayError) -> Tensor<Bool>? {
        has(name) ? try mask(name) : nil
    }

    private func input(_ name: String) throws(ReplayError) -> AnyTensor {
        guard let value = fixture.inputs[name] else {
            throw ReplayError(
                "the case has no input '\(name)' (it has: \(fixture.inputs.keys.sorted().joined(separator: ", ")))",
                kind: "input", tensor: "inputs/\(name)")
        }
        ledger.noteInput(name)
        return value
    }
}
