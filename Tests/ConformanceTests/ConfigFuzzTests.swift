import Fixtures
import Foundation
import Replays
import Report
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
}
