import Fixtures
import Foundation
import Replays
import Report
import Tensors
import Testing

/// Nothing reachable from a case's configuration may trap: every committed replay, with each integer config key
/// set to 0, -1, 3 and 7 in turn, either runs or gives an error naming the case (a `precondition` a config can
/// reach would crash this test process).
@Suite struct ConfigFuzzTests {
    /// The smallest committed case of each replay.
    static func smallestCases() -> [CaseReference] {
        var best: [String: (CaseReference, Int)] = [:]
        for reference in FixtureCatalog.allCases() where reference.loadError == nil {
            guard let fixture = try? FixtureLoader.loadCase(reference.name, from: reference.file) else { continue }
            var size = 0
            for tensor in Array(fixture.inputs.values) + Array(fixture.parameters.values) {
                size += tensor.shape.reduce(1, *)
            }
            if best[fixture.replay].map({ size < $0.1 }) ?? true { best[fixture.replay] = (reference, size) }
        }
        return best.values.map(\.0).sorted { $0.testDescription < $1.testDescription }
    }

    @Test(arguments: smallestCases())
    func integerConfigValuesNeverTrap(_ reference: CaseReference) throws {
        let fixture = try FixtureLoader.loadCase(reference.name, from: reference.file)
        for (key, value) in fixture.configuration.values {
            var variants: [CaseConfiguration.Value] = []
            switch value {
            case .number(let d) where Double(Int(d)) == d: variants = [0, -1, 3, 7].map { .number($0) }
            case .array(let items): variants = items.indices.flatMap { i in [0.0, 3].map { v in
                var copy = items; copy[i] = .number(v); return CaseConfiguration.Value.array(copy) } }
            default: continue
            }
            for variant in variants {
                var values = fixture.configuration.values
                values[key] = variant
                let json = "{" + values.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
                var mutated = fixture
                mutated.configuration = try CaseConfiguration(json: json)
                let result = ConformanceRunner.run(mutated)
                if let error = result.error { #expect(error.contains(reference.name), "\(error)") }
            }
        }
    }

    /// Each input of the smallest case of each replay, given another shape (a leading axis added, the trailing axes
    /// flattened, the last axis one longer): the replay runs or gives an error naming the case, never traps.
    @Test(arguments: smallestCases())
    func inputShapesNeverTrap(_ reference: CaseReference) throws {
        let fixture = try FixtureLoader.loadCase(reference.name, from: reference.file)
        for (name, tensor) in fixture.inputs where !tensor.shape.isEmpty && tensor.shape.reduce(1, *) > 0 {
            var shapes = [[1] + tensor.shape, Array(tensor.shape.dropLast()) + [tensor.shape.last! + 1]]
            if tensor.shape.count >= 2 { shapes.append([tensor.shape[0], tensor.shape.dropFirst().reduce(1, *)]) }
            for shape in shapes {
                var mutated = fixture
                mutated.inputs[name] = Self.reshaped(tensor, shape)
                let result = ConformanceRunner.run(mutated)
                if let error = result.error { #expect(error.contains(reference.name), "\(error)") }
            }
        }
    }

    /// `tensor`'s elements, repeated as needed, in `shape`.
    static func reshaped(_ tensor: AnyTensor, _ shape: [Int]) -> AnyTensor {
        func make<T>(_ t: Tensor<T>) -> Tensor<T> {
            let count = shape.reduce(1, *)
            return Tensor(shape: shape, scalars: (0..<count).map { t.scalars[$0 % t.scalars.count] })
        }
        switch tensor {
        case .float32(let t): return .float32(make(t))
        case .float64(let t): return .float64(make(t))
        case .int64(let t): return .int64(make(t))
        case .uint8(let t): return .uint8(make(t))
        case .bool(let t): return .bool(make(t))
        }
    }
}
