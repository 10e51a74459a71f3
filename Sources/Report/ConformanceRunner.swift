import Comparison
public import Fixtures
import Foundation
import Replays
import Tensors

/// Replays fixture cases through the Swift layers and compares every recorded output.
public enum ConformanceRunner {
    /// The `.h5` files among `paths` (files as given, folders searched recursively), sorted; a path that does not
    /// exist is reported as an error result rather than skipped.
    public static func fixtureFiles(in paths: [String]) -> (files: [String], missing: [String]) {
        var files: [String] = []
        var missing: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else {
                missing.append(path)
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

    /// The identifier of every case of every fixture file in `paths` (`file.h5/case`), read without replaying; a
    /// file whose cases cannot be listed counts as one case named by its file name. `replay --shard` partitions
    /// this list.
    public static func caseIdentifiers(in paths: [String]) -> [String] {
        let (files, missing) = fixtureFiles(in: paths)
        var identifiers = missing.map { ($0 as NSString).lastPathComponent }
        for file in files {
            let base = (file as NSString).lastPathComponent
            guard let names = try? FixtureLoader.caseNames(in: file) else {
                identifiers.append(base)
                continue
            }
            identifiers += names.map { "\(base)/\($0)" }
        }
        return identifiers
    }

    /// Every case of every fixture file in `paths` whose identifier contains `filter` (all when nil) and, when
    /// `including` is given, is in it.
    public static func run(paths: [String], filter: String? = nil, including: Set<String>? = nil) -> [CaseResult] {
        let (files, missing) = fixtureFiles(in: paths)
        var results = missing.map { failure(file: $0, caseName: nil, FixtureError(file: $0, "no such file or folder")) }
            .filter { including?.contains($0.identifier) ?? true }
        for file in files {
            let cases: [Result<FixtureCase, FixtureError>]
            do {
                cases = try FixtureLoader.load(file)
            } catch {
                let result = failure(file: file, caseName: nil, error)
                if including?.contains(result.identifier) ?? true { results.append(result) }
                continue
            }
            for loaded in cases {
                switch loaded {
                case .success(let fixture):
                    if let filter, !fixture.identifier.contains(filter) { continue }
                    if let including, !including.contains(fixture.identifier) { continue }
                    results.append(run(fixture))
                case .failure(let error):
                    let id = "\(file)/\(error.caseName ?? "")"
                    if let filter, !id.contains(filter) { continue }
                    let base = (file as NSString).lastPathComponent
                    if let including, !including.contains("\(base)/\(error.caseName ?? "")") { continue }
                    results.append(failure(file: file, caseName: error.caseName, error))
                }
            }
        }
        return results
    }

    /// Replays one loaded case and compares its outputs.
    public static func run(_ fixture: FixtureCase) -> CaseResult {
        var result = CaseResult(
            identifier: fixture.identifier, file: fixture.file, caseName: fixture.name, replay: fixture.replay,
            dtype: fixture.dtype, comparisons: [], error: nil)
        guard let replay = ReplayCatalog.replay(named: fixture.replay) else {
            let known = ReplayCatalog.all.map { $0.name }.sorted().joined(separator: ", ")
            result.error = "\(fixture.file): case '\(fixture.name)': unknown replay '\(fixture.replay)' (known: \(known))"
            return result
        }
        do {
            result.comparisons = switch fixture.dtype {
            case "float64": try compare(fixture, replay, Double.self)
            default: try compare(fixture, replay, Float.self)
            }
        } catch {
            result.error = "\(fixture.file): case '\(fixture.name)': replay '\(fixture.replay)' failed: \(error)"
        }
        return result
    }

    /// The torchinfo-style summary of the case's model, when its replay can give one (nil otherwise).
    public static func summary(of fixture: FixtureCase) throws -> String? {
        guard let replay = ReplayCatalog.replay(named: fixture.replay) as? any SummarizingReplay.Type else { return nil }
        return switch fixture.dtype {
        case "float64": try replay.summary(try ReplayInput<Double>(fixture)).description
        default: try replay.summary(try ReplayInput<Float>(fixture)).description
        }
    }

    private static func compare<S: TensorScalar>(
        _ fixture: FixtureCase, _ replay: any Replay.Type, _ scalar: S.Type
    ) throws -> [TensorComparison] {
        let trace = try replay.run(try ReplayInput<S>(fixture))
        return try fixture.outputs.map { expected throws -> TensorComparison in
            guard let actual = trace[expected.name] else {
                throw FixtureError(
                    file: fixture.file, caseName: fixture.name, tensor: "outputs/\(expected.name)",
                    "the replay computes no such tensor (it computes: \(trace.names.joined(separator: ", ")))")
            }
            let tolerance = expected.toleranceOverride.map { Tolerance(rtol: $0.rtol, atol: $0.atol, reason: $0.reason) }
                ?? .default(forDType: expected.tensor.dtypeName)
            return TensorComparison.compare(
                name: expected.name, actual: AnyTensor(actual), expected: expected.tensor, tolerance: tolerance,
                expectNonfinite: expected.expectNonfinite)
        }
    }

    private static func failure(file: String, caseName: String?, _ error: FixtureError) -> CaseResult {
        let base = (file as NSString).lastPathComponent
        return CaseResult(
            identifier: caseName.map { "\(base)/\($0)" } ?? base, file: file, caseName: caseName ?? "",
            replay: nil, dtype: nil, comparisons: [], error: error.description)
    }
}
