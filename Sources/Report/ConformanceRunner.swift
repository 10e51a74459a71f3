import Comparison
public import Fixtures
import Foundation
import Layers
import Replays
import Tensors

/// Replays fixture cases through the Swift layers, in this process, and compares every recorded output.
///
/// The runner owns strictness, for every replay alike: the case's config is checked against the replay's declared
/// keys before the run; after it, every parameter must have been taken, every input read, every declared config key
/// read, and `outputs/` must record every tensor the replay computed, in the order computed, except those the case
/// names in `unchecked_outputs` with a reason. `IsolatedRunner` runs the same thing one child process per file.
public enum ConformanceRunner {
    /// The `.h5` files among `paths` (files as given, folders searched recursively), sorted; a path that does not
    /// exist is returned in `missing`.
    public static func fixtureFiles(in paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else {
                // A dangling link is given as a file: the check names it.
                if (try? manager.destinationOfSymbolicLink(atPath: path)) != nil { files.append(path) } else { missing.append(path) }
                continue
            }
            if isFolder.boolValue {
                let found = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? [])
                    .filter { $0.hasSuffix(".h5") }
                    .map { (path as NSString).appendingPathComponent($0) }
                files += found.sorted()
            } else {
                files.append(path)
            }
        }
        return (files, missing)
    }

    /// Every case identifier (`file.h5/case`) of the fixture files in `paths`, sorted, without running anything;
    /// a file that cannot be read contributes `file.h5` and its error.
    public static func caseIdentifiers(paths: [String]) -> [String] {
        let (files, missing) = fixtureFiles(in: paths)
        var identifiers = missing.map { ($0 as NSString).lastPathComponent }
        for file in files {
            let base = (file as NSString).lastPathComponent
            if let names = try? FixtureLoader.caseNames(in: file) {
                identifiers += names.map { "\(base)/\($0)" }
            } else {
                identifiers.append(base)
            }
        }
        return identifiers.sorted()
    }

    /// Every case of every fixture file in `paths` whose identifier contains `filter` (all when nil), in this
    /// process (tests use it; the `replay` command isolates each file in a child process).
    public static func run(paths: [String], filter: String? = nil) -> [CaseResult] {
        let (files, missing) = fixtureFiles(in: paths)
        var results = missing.map { failure(file: $0, caseName: nil, FixtureError(file: $0, kind: "file", "no such file or folder")) }
        for file in files {
            results += run(file: file, filter: filter)
        }
        return results
    }

    /// The cases of one file whose identifier contains `filter` and, when `only` is given, is in it (a shard).
    public static func run(file: String, filter: String? = nil, only: Set<String>? = nil) -> [CaseResult] {
        let cases: [Result<FixtureCase, FixtureError>]
        do {
            cases = try FixtureLoader.load(file)
        } catch {
            return [failure(file: file, caseName: nil, error)]
        }
        var results: [CaseResult] = []
        for loaded in cases {
            switch loaded {
            case .success(let fixture):
                if let filter, !fixture.identifier.contains(filter) { continue }
                if let only, !only.contains(fixture.identifier) { continue }
                results.append(run(fixture))
            case .failure(let error):
                let id = "\((file as NSString).lastPathComponent)/\(error.caseName ?? "")"
                if let filter, !id.contains(filter) { continue }
                if let only, !only.contains(id) { continue }
                results.append(failure(file: file, caseName: error.caseName, error))
            }
        }
        return results
    }

    /// Replays one loaded case, checks what it used and computed, and compares its outputs and printed values.
    public static func run(_ fixture: FixtureCase) -> CaseResult {
        var result = CaseResult(
            identifier: fixture.identifier, file: fixture.file, caseName: fixture.name, replay: fixture.replay,
            dtype: fixture.dtype, comparisons: [], error: nil)
        result.uncheckedOutputs = fixture.uncheckedOutputs
        guard let replay = ReplayCatalog.replay(named: fixture.replay) else {
            let known = ReplayCatalog.all.map { $0.name }.sorted().joined(separator: ", ")
            result.fail(kind: "unknown-replay", tensor: nil, "unknown replay '\(fixture.replay)' (known: \(known))")
            return result
        }
        do {
            switch fixture.dtype {
            case "float64": try execute(fixture, replay, Double.self, into: &result)
            default: try execute(fixture, replay, Float.self, into: &result)
            }
        } catch let error as ReplayError {
            result.fail(kind: error.kind, tensor: error.tensor, "replay '\(fixture.replay)': \(error.message)")
        } catch let error as FixtureError {
            result.fail(kind: error.kind, tensor: error.tensor, error.message)
        } catch let error as ParameterError {
            result.fail(kind: "parameters", tensor: nil, "replay '\(fixture.replay)': \(error)")
        } catch let error as LayerError {
            result.fail(kind: "layer", tensor: nil, "replay '\(fixture.replay)' failed: \(error)")
        } catch {
            result.fail(kind: "replay", tensor: nil, "replay '\(fixture.replay)' failed: \(error)")
        }
        return result
    }

    /// The torchinfo-style summary of the case's model, when its replay can give one (nil otherwise).
    public static func summary(of fixture: FixtureCase) throws -> String? {
        guard let replay = ReplayCatalog.replay(named: fixture.replay) as? any SummarizingReplay.Type else { return nil }
        switch fixture.dtype {
        case "float64":
            var input = try ReplayInput<Double>(fixture, declaration: replay.declaration)
            return try replay.summary(&input).description
        default:
            var input = try ReplayInput<Float>(fixture, declaration: replay.declaration)
            return try replay.summary(&input).description
        }
    }

    private static func execute<S: TensorScalar>(
        _ fixture: FixtureCase, _ replay: any Replay.Type, _ scalar: S.Type, into result: inout CaseResult
    ) throws {
        var input = try ReplayInput<S>(fixture, declaration: replay.declaration)
        let trace = try replay.run(&input)
        try input.parameters.finish()
        if let unused = fixture.inputs.keys.sorted().first(where: { !input.inputsRead.contains($0) }) {
            throw ReplayError(
                "input '\(unused)' is never read by the replay (a stray or misspelt input; it reads: "
                    + "\(input.inputsRead.sorted().joined(separator: ", ")))",
                kind: "input", tensor: "inputs/\(unused)")
        }
        if let unread = replay.declaration.config.map(\.name).first(where: { !input.configKeysRead.contains($0) }) {
            throw ReplayError("declares config key '\(unread)' but never reads it (a bug in the replay)", kind: "replay")
        }
        if let twice = trace.duplicates.first {
            throw ReplayError("records '\(twice)' twice (a bug in the replay)", kind: "replay")
        }
        try checkCoverage(fixture, computed: trace.names)
        result.computedOutputs = trace.names.count
        result.checkedOutputs = fixture.outputs.count

        result.comparisons = fixture.outputs.map { expected in
            let actual = AnyTensor(trace[expected.name]!)   // checkCoverage: every recorded output is computed
            let tolerance = expected.toleranceOverride.map { Tolerance(rtol: $0.rtol, atol: $0.atol, reason: $0.reason) }
                ?? .default(forDType: expected.tensor.dtypeName)
            var comparison = TensorComparison.compare(
                name: expected.name, actual: actual, expected: expected.tensor, tolerance: tolerance,
                expectNonfinite: expected.expectNonfinite)
            if let shadow = expected.shadow { comparison.addShadow(actual: actual, expected: expected.tensor, shadow: shadow) }
            return comparison
        }
        result.printed = try fixture.printed.map { value throws(ReplayError) in
            guard let tensor = trace[value.tensor] else {
                throw ReplayError(
                    "printed/\(value.name) is of 'outputs/\(value.tensor)', which the replay does not compute",
                    kind: "coverage", tensor: "printed/\(value.name)")
            }
            return printedComparison(value, AnyTensor(tensor))
        }
    }

    /// `outputs/` must be the computed names, minus `unchecked_outputs`, in the computed order.
    static func checkCoverage(_ fixture: FixtureCase, computed: [String]) throws(ReplayError) {
        let recorded = fixture.outputs.map(\.name)
        for name in fixture.uncheckedOutputs.keys.sorted() where !computed.contains(name) {
            throw ReplayError("unchecked_outputs names '\(name)', which the replay does not compute", kind: "coverage")
        }
        for name in recorded where !computed.contains(name) {
            throw ReplayError(
                "outputs/\(name) is not a tensor the replay computes (it computes: \(computed.joined(separator: ", ")))",
                kind: "coverage", tensor: "outputs/\(name)")
        }
        for name in recorded where fixture.uncheckedOutputs[name] != nil {
            throw ReplayError("'\(name)' is both recorded and named in unchecked_outputs", kind: "coverage", tensor: "outputs/\(name)")
        }
        let expected = computed.filter { fixture.uncheckedOutputs[$0] == nil }
        for name in expected where !recorded.contains(name) {
            throw ReplayError(
                "the replay computes '\(name)' but outputs/ does not record it (record it, or name it in the case "
                    + "attribute unchecked_outputs with a reason)",
                kind: "coverage", tensor: "outputs/\(name)")
        }
        if recorded != expected, let i = zip(recorded, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            throw ReplayError(
                "outputs/ is not in the order the replay computes: position \(i) holds '\(recorded[i])', the replay "
                    + "computes '\(expected[i])' there (write the group with track_order=True, in dataflow order)",
                kind: "coverage", tensor: "outputs/\(recorded[i])")
        }
    }

    private static func printedComparison(_ value: FixtureCase.PrintedValue, _ actual: AnyTensor) -> TensorComparison {
        var comparison: TensorComparison
        switch value.check {
        case .values(let printed, let atol):
            let swift = AnyTensor(Tensor<Double>(shape: actual.shape, scalars: actual.doubles))
            comparison = TensorComparison.compare(
                name: value.name, actual: swift, expected: AnyTensor(printed), tolerance: Tolerance(rtol: 0, atol: atol, reason: value.toleranceReason ?? "half the last printed digit"))
            comparison.printedOf = "outputs/\(value.tensor)"
        case .shape(let shape):
            let printed = AnyTensor(Tensor<Double>(shape: [shape.count], scalars: shape.map(Double.init)))
            let swift = AnyTensor(Tensor<Double>(shape: [actual.shape.count], scalars: actual.shape.map(Double.init)))
            comparison = TensorComparison.compare(name: value.name, actual: swift, expected: printed, tolerance: Tolerance(rtol: 0, atol: 0))
            if actual.shape.count != shape.count { comparison.problem = "shape \(actual.shape), the notebook printed \(shape)" }
            comparison.printedOf = "outputs/\(value.tensor).shape"
        }
        comparison.printedCell = value.cell
        return comparison
    }

    static func failure(file: String, caseName: String?, _ error: FixtureError) -> CaseResult {
        let base = (file as NSString).lastPathComponent
        var result = CaseResult(
            identifier: caseName.map { "\(base)/\($0)" } ?? base, file: file, caseName: caseName ?? "",
            replay: nil, dtype: nil, comparisons: [], error: error.description)
        result.errorDetail = ReportError(file: file, caseName: caseName, tensor: error.tensor, kind: error.kind, message: error.message)
        return result
    }
}

extension CaseResult {
    /// Marks the case as an error: `file: case 'name': [tensor 't':] message`.
    mutating func fail(kind: String, tensor: String?, _ message: String) {
        error = FixtureError(file: file, caseName: caseName, tensor: tensor, kind: kind, message).description
        errorDetail = ReportError(file: file, caseName: caseName, tensor: tensor, kind: kind, message: message)
    }
}
