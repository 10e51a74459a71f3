internal import HDF5
import Tensors

/// Reads fixture files (docs/FIXTURES.md, format version 1) into `FixtureCase`s.
///
/// Every problem is a `FixtureError` naming the file, the case and the tensor: a missing, truncated or non-HDF5
/// file, an unknown format version, a case without `replay`/`dtype`/`config`, a floating tensor whose dtype is not
/// the case's, a NaN or Inf in an input or parameter (or in an output not marked `expect_nonfinite`).
public enum FixtureLoader {
    /// The format versions this reader understands.
    public static let supportedFormatVersions: Set<Int64> = [1]

    /// The names of the cases in `path`, in the order they were written.
    public static func caseNames(in path: String) throws(FixtureError) -> [String] {
        let root = try openRoot(path)
        return try hdf5(path, nil, nil) { () throws(HDF5Error) in
            var groups: [String] = []
            for name in try root.memberNames(order: .creation) where try root.kind(of: name) == .group {
                groups.append(name)
            }
            return groups
        }
    }

    /// Every case of the file at `path`; a case that cannot be read is an error of its own, so the others still run.
    public static func load(_ path: String) throws(FixtureError) -> [Result<FixtureCase, FixtureError>] {
        let names = try caseNames(in: path)
        let root = try openRoot(path)
        return names.map { name in Result { () throws(FixtureError) in try readCase(root, name, path) } }
    }

    /// The case `name` of the file at `path`.
    public static func loadCase(_ name: String, from path: String) throws(FixtureError) -> FixtureCase {
        let root = try openRoot(path)
        guard try hdf5(path, name, nil, { () throws(HDF5Error) in try root.kind(of: name) == .group }) else {
            throw FixtureError(file: path, caseName: name, "no such case in the file")
        }
        return try readCase(root, name, path)
    }

    // MARK: - File

    private static func openRoot(_ path: String) throws(FixtureError) -> HDF5Group {
        let root: HDF5Group
        do {
            root = try HDF5File.open(path, mode: .readOnly).root
        } catch {
            throw FixtureError(file: path, "cannot open the fixture: \(error.message)")
        }
        let version = try hdf5(path, nil, nil) { () throws(HDF5Error) -> Int64? in
            try root.hasAttribute("format_version")
                ? try root.readAttribute("format_version", as: Int64.self, allowingConversion: true).first : nil
        }
        guard let version else {
            throw FixtureError(file: path, "no 'format_version' attribute: not a fixture file (docs/FIXTURES.md)")
        }
        guard supportedFormatVersions.contains(version) else {
            throw FixtureError(
                file: path,
                "format_version \(version) is not supported (this build reads \(supportedFormatVersions.sorted()))")
        }
        return root
    }

    // MARK: - Case

    private static func readCase(_ root: HDF5Group, _ name: String, _ path: String) throws(FixtureError) -> FixtureCase {
        let group = try hdf5(path, name, nil) { () throws(HDF5Error) in try root.group(name) }
        func string(_ attribute: String, required: Bool = true) throws(FixtureError) -> String? {
            let present = try hdf5(path, name, nil) { () throws(HDF5Error) in try group.hasAttribute(attribute) }
            guard present else {
                if required { throw FixtureError(file: path, caseName: name, "the case has no '\(attribute)' attribute") }
                return nil
            }
            return try hdf5(path, name, nil) { () throws(HDF5Error) in try group.readStringAttribute(attribute) }
        }
        let replay = try string("replay")!
        let dtype = try string("dtype")!
        guard dtype == "float32" || dtype == "float64" else {
            throw FixtureError(file: path, caseName: name, "dtype '\(dtype)' is not float32 or float64")
        }
        let configText = try string("config")!
        let configuration: CaseConfiguration
        do {
            configuration = try CaseConfiguration(json: configText)
        } catch {
            throw FixtureError(file: path, caseName: name, error.message)
        }
        let seed = try hdf5(path, name, nil) { () throws(HDF5Error) -> Int64? in
            try group.hasAttribute("seed") ? try group.readAttribute("seed", as: Int64.self, allowingConversion: true).first : nil
        }
        let reader = TensorReader(file: path, caseName: name, dtype: dtype)
        let inputs = try reader.readAll(group, "inputs")
        let parameters = try reader.readAll(group, "params")
        let outputNames = try reader.names(group, "outputs")
        guard !outputNames.isEmpty else {
            throw FixtureError(file: path, caseName: name, "the case records no outputs: nothing to compare")
        }
        var outputs: [FixtureCase.ExpectedOutput] = []
        for output in outputNames {
            outputs.append(try reader.readOutput(group, output))
        }
        return FixtureCase(
            file: path, name: name, replay: replay, dtype: dtype, configuration: configuration,
            description: try string("description", required: false) ?? "", seed: seed,
            inputs: inputs, parameters: parameters, outputs: outputs)
    }

    /// Runs HDF5 calls, turning their errors into a `FixtureError` for this file, case and tensor.
    static func hdf5<T>(
        _ path: String, _ caseName: String?, _ tensor: String?, _ body: () throws(HDF5Error) -> T
    ) throws(FixtureError) -> T {
        do {
            return try body()
        } catch {
            throw FixtureError(file: path, caseName: caseName, tensor: tensor, error.message)
        }
    }
}
