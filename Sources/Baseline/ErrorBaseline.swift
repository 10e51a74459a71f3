import Foundation

/// A committed record of every tensor's errors (`baseline/errors.json`), written by `replay --write-baseline` and
/// compared with a run by `replay --baseline` (docs/GATE.md).
///
/// The file is JSON with sorted keys, one object per case (`file.h5/case`), one per tensor inside, each holding the
/// figures of `TensorErrors` rounded to 3 significant digits, so a rewrite on an unchanged tree changes no line and a
/// change shows as a small diff. Infinities and NaN are written as the strings "inf", "-inf", "nan".
public struct ErrorBaseline: Sendable, Equatable {
    /// The format this reader writes and understands.
    public static let formatVersion = 1

    /// Every recorded tensor, keyed by case and tensor.
    public var entries: [TensorErrors.Key: TensorErrors]

    public init(_ records: [TensorErrors]) {
        var entries: [TensorErrors.Key: TensorErrors] = [:]
        for record in records { entries[record.key] = Self.rounded(record) }
        self.entries = entries
    }

    /// The records, sorted by case, then tensor.
    public var records: [TensorErrors] { entries.keys.sorted().map { entries[$0]! } }

    // MARK: - File

    private struct Figures: Codable, Equatable {
        var maxAbs: Double
        var maxRel: Double
        var maxErrorToBound: Double
        var swiftError64: Double?
        var referenceError64: Double?
        var accuracyRatio: Double?
    }

    private struct Document: Codable {
        var format: Int
        var rule: String
        var cases: [String: [String: Figures]]
    }

    /// The baseline as the JSON text committed to the repository.
    public func json(rule: BaselineRule = .measured) throws -> String {
        var cases: [String: [String: Figures]] = [:]
        for r in records {
            cases[r.caseID, default: [:]][r.tensor] = Figures(
                maxAbs: r.maxAbs, maxRel: r.maxRel, maxErrorToBound: r.maxErrorToBound, swiftError64: r.swiftError64,
                referenceError64: r.referenceError64, accuracyRatio: r.accuracyRatio)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let document = Document(format: Self.formatVersion, rule: rule.description, cases: cases)
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    /// Reads a baseline written by `json()`; a missing, unreadable or malformed file is a `BaselineError` naming it.
    public static func read(_ path: String) throws(BaselineError) -> ErrorBaseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BaselineError(path: path, "cannot read the baseline file (write one with replay --write-baseline)")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let document: Document
        do {
            document = try decoder.decode(Document.self, from: data)
        } catch {
            throw BaselineError(path: path, "not a baseline file: \(error)")
        }
        guard document.format == formatVersion else {
            throw BaselineError(path: path, "format \(document.format) is not supported (this build reads \(formatVersion))")
        }
        var records: [TensorErrors] = []
        for (caseID, tensors) in document.cases {
            for (tensor, f) in tensors {
                records.append(TensorErrors(
                    caseID: caseID, tensor: tensor, maxAbs: f.maxAbs, maxRel: f.maxRel, maxErrorToBound: f.maxErrorToBound,
                    swiftError64: f.swiftError64, referenceError64: f.referenceError64, accuracyRatio: f.accuracyRatio))
            }
        }
        return ErrorBaseline(records)
    }

    /// Writes `json()` to `path` (atomically).
    public func write(to path: String, rule: BaselineRule = .measured) throws(BaselineError) {
        do {
            try Data(try json(rule: rule).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw BaselineError(path: path, "cannot write the baseline: \(error)")
        }
    }

    // MARK: - Rounding

    /// `x` to 3 significant digits (0, infinities and NaN unchanged).
    public static func round3(_ x: Double) -> Double {
        guard x.isFinite, x != 0 else { return x }
        return Double(String(format: "%.3g", x)) ?? x
    }

    static func rounded(_ r: TensorErrors) -> TensorErrors {
        var r = r
        r.maxAbs = round3(r.maxAbs)
        r.maxRel = round3(r.maxRel)
        r.maxErrorToBound = round3(r.maxErrorToBound)
        r.swiftError64 = r.swiftError64.map(round3)
        r.referenceError64 = r.referenceError64.map(round3)
        r.accuracyRatio = r.accuracyRatio.map(round3)
        return r
    }
}

/// A baseline file that cannot be read or written, naming the file.
public struct BaselineError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var message: String

    public init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}
