import Foundation
internal import HDF5
import Tensors

/// Reads fixture files (docs/FIXTURES.md, format version 1) into `FixtureCase`s.
///
/// Before libhdf5 sees a file, `FixtureFileCheck` makes sure it is a readable regular file with an HDF5 signature
/// and, when the folder's `MANIFEST.sha256` lists it, the recorded SHA-256. Then every problem is a `FixtureError`
/// naming the file, the case and the tensor: a `format_version` other than the integer scalar 1, a case without
/// `replay`/`dtype`/`config`, a floating tensor whose dtype is not the case's, a NaN or Inf in an input or
/// parameter (or in an output not marked `expect_nonfinite`), a malformed `shadow/`, `printed/` or
/// `unchecked_outputs`, a dataset declaring more bytes than the file holds.
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

    /// The file-level attributes (`notebook`, `generator`, `seed`, versions) as text, for the report's provenance.
    public static func provenance(of path: String) throws(FixtureError) -> [String: String] {
        let root = try openRoot(path)
        let attributes = AttributeReader(file: path, caseName: nil, path: nil, object: root)
        var result: [String: String] = [:]
        for key in ["notebook", "generator", "torch_version", "numpy_version", "h5py_version", "hdf5_version"] {
            if let value = try? attributes.string(key) { result[key] = value }
        }
        if let seed = try? attributes.integer("seed") { result["seed"] = "\(seed)" }
        return result
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
        _ = try FixtureFileCheck.check(path)
        let root: HDF5Group
        do {
            root = try HDF5File.open(path, mode: .readOnly).root
        } catch {
            throw FixtureError(file: path, kind: "hdf5", "cannot open the fixture: \(error.message)")
        }
        let attributes = AttributeReader(file: path, caseName: nil, path: nil, object: root)
        let version: Int64?
        do {
            version = try attributes.integer("format_version")
        } catch {
            throw FixtureError(file: path, kind: "format", error.message + " (docs/FIXTURES.md: the integer 1)")
        }
        guard let version else {
            throw FixtureError(file: path, kind: "format", "no 'format_version' attribute: not a fixture file (docs/FIXTURES.md)")
        }
        guard supportedFormatVersions.contains(version) else {
            throw FixtureError(
                file: path, kind: "format",
                "format_version \(version) is not supported (this build reads \(supportedFormatVersions.sorted()))")
        }
        return root
    }

    // MARK: - Case

    private static func readCase(_ root: HDF5Group, _ name: String, _ path: String) throws(FixtureError) -> FixtureCase {
        let group = try hdf5(path, name, nil) { () throws(HDF5Error) in try root.group(name) }
        let attributes = AttributeReader(file: path, caseName: name, path: nil, object: group)
        func required(_ key: String) throws(FixtureError) -> String {
            guard let value = try attributes.string(key) else {
                throw FixtureError(file: path, caseName: name, "the case has no '\(key)' attribute")
            }
            return value
        }
        let replay = try required("replay")
        let dtype = try required("dtype")
        guard dtype == "float32" || dtype == "float64" else {
            throw FixtureError(file: path, caseName: name, "dtype '\(dtype)' is not float32 or float64")
        }
        let configText = try required("config")
        let configuration: CaseConfiguration
        do {
            configuration = try CaseConfiguration(json: configText)
        } catch {
            throw FixtureError(file: path, caseName: name, kind: "config", error.message)
        }
        let reader = TensorReader(file: path, caseName: name, dtype: dtype)
        let members = try hdf5(path, name, nil) { () throws(HDF5Error) in try group.memberNames(order: .name) }
        let known: Set<String> = ["inputs", "params", "outputs", "shadow", "printed"]
        if let stray = members.first(where: { !known.contains($0) }) {
            throw FixtureError(file: path, caseName: name, "unexpected member '\(stray)' (a case holds \(known.sorted().joined(separator: ", ")))")
        }
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
        try readShadows(group, reader, &outputs, dtype: dtype, path, name)
        var printed: [FixtureCase.PrintedValue] = []
        for value in try reader.names(group, "printed") {
            printed.append(try reader.readPrinted(group, value))
        }
        return FixtureCase(
            file: path, name: name, replay: replay, dtype: dtype, configuration: configuration,
            description: try attributes.string("description") ?? "", seed: try attributes.integer("seed"),
            inputs: inputs, parameters: parameters, outputs: outputs,
            uncheckedOutputs: try uncheckedOutputs(attributes, path, name), printed: printed)
    }

    /// `shadow/`: only in float32 cases; each name an output; when present, every floating output shadowed.
    private static func readShadows(
        _ group: HDF5Group, _ reader: TensorReader, _ outputs: inout [FixtureCase.ExpectedOutput], dtype: String,
        _ path: String, _ name: String
    ) throws(FixtureError) {
        let present = try hdf5(path, name, nil) { () throws(HDF5Error) in try group.kind(of: "shadow") != nil }
        guard present else { return }
        guard dtype == "float32" else {
            throw FixtureError(file: path, caseName: name, tensor: "shadow", "a float64 case has no float64 shadow (shadow/ is for float32 cases)")
        }
        let shadowNames = try reader.names(group, "shadow")
        for shadow in shadowNames where !outputs.contains(where: { $0.name == shadow }) {
            throw FixtureError(file: path, caseName: name, tensor: "shadow/\(shadow)", "shadows no output: outputs/ has no '\(shadow)'")
        }
        for index in outputs.indices {
            let output = outputs[index]
            guard output.tensor.dtypeName == "float32" || output.tensor.dtypeName == "float64" else { continue }
            guard shadowNames.contains(output.name) else {
                throw FixtureError(
                    file: path, caseName: name, tensor: "shadow/\(output.name)",
                    "missing: a case with shadow/ shadows every floating output")
            }
            outputs[index].shadow = try reader.readShadow(group, output.name, for: output)
        }
    }

    /// The case attribute `unchecked_outputs`: a JSON object, computed tensor name -> why it is not recorded.
    private static func uncheckedOutputs(_ attributes: AttributeReader, _ path: String, _ name: String) throws(FixtureError) -> [String: String] {
        guard let text = try attributes.string("unchecked_outputs") else { return [:] }
        guard let data = text.data(using: .utf8),
              let object = try? JSONDecoder().decode([String: String].self, from: data)
        else {
            throw FixtureError(file: path, caseName: name, "'unchecked_outputs' is not a JSON object of name -> reason: \(text)")
        }
        if let bare = object.first(where: { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw FixtureError(file: path, caseName: name, "'unchecked_outputs' gives no reason for '\(bare.key)'")
        }
        return object
    }

    /// Runs HDF5 calls, turning their errors into a `FixtureError` for this file, case and tensor.
    static func hdf5<T>(
        _ path: String, _ caseName: String?, _ tensor: String?, _ body: () throws(HDF5Error) -> T
    ) throws(FixtureError) -> T {
        do {
            return try body()
        } catch {
            let kind = error.call == "size check" ? "size" : "hdf5"
            throw FixtureError(file: path, caseName: caseName, tensor: tensor, kind: kind, error.message)
        }
    }
}
