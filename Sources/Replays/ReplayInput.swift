public import Fixtures
public import Tensors

/// What a replay reads from a case: its configuration, its inputs by name and its parameters, typed in `S`.
public struct ReplayInput<S: TensorScalar>: Sendable {
    public let fixture: FixtureCase
    /// The `state_dict`, handed out strictly (see `ParameterStore`); int64 buffers through `takeInteger`.
    public var parameters: ParameterStore<S>

    public var configuration: CaseConfiguration { fixture.configuration }

    public init(_ fixture: FixtureCase) throws(ReplayError) {
        self.fixture = fixture
        var parameters: [String: Tensor<S>] = [:]
        var integers: [String: Tensor<Int64>] = [:]
        for (key, value) in fixture.parameters {
            if case .int64(let buffer) = value {
                integers[key] = buffer          // an int64 buffer, e.g. BatchNorm's num_batches_tracked
                continue
            }
            guard let tensor = value.floating(S.self) else {
                throw ReplayError("parameter '\(key)' is \(value.dtypeName), the case is \(S.dtypeName)")
            }
            parameters[key] = tensor
        }
        self.parameters = ParameterStore(parameters, integers: integers)
    }

    /// Whether the case has an input called `name`.
    public func has(_ name: String) -> Bool { fixture.inputs[name] != nil }

    /// The floating input `name`, which must exist and be of the case's dtype.
    public func tensor(_ name: String) throws(ReplayError) -> Tensor<S> {
        let value = try input(name)
        guard let tensor = value.floating(S.self) else {
            throw ReplayError("input '\(name)' is \(value.dtypeName), expected \(S.dtypeName)")
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
            throw ReplayError("input '\(name)' is \(value.dtypeName), expected int64")
        }
        return tensor
    }

    /// The mask input `name` (bool, or uint8 holding 0/1): `true` where the element is kept / allowed.
    public func mask(_ name: String) throws(ReplayError) -> Tensor<Bool> {
        switch try input(name) {
        case .bool(let t): return t
        case .uint8(let t):
            guard t.scalars.allSatisfy({ $0 <= 1 }) else { throw ReplayError("mask '\(name)' holds values other than 0 and 1") }
            return t.map { $0 != 0 }
        case let other: throw ReplayError("input '\(name)' is \(other.dtypeName), expected a bool or uint8 mask")
        }
    }

    private func input(_ name: String) throws(ReplayError) -> AnyTensor {
        guard let value = fixture.inputs[name] else {
            throw ReplayError("the case has no input '\(name)' (it has: \(fixture.inputs.keys.sorted().joined(separator: ", ")))")
        }
        return value
    }
}
