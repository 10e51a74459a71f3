import Comparison
import Foundation

/// Renders case results as the conformance table people read, or as JSON for machines, and gives the exit code.
///
/// Exit codes: 0 every tensor of every case within tolerance; 1 some tensor out of tolerance (no errors);
/// 2 an unusable fixture (any error row), bad usage, or nothing to run.
public enum ReportFormatter {
    /// The JSON report's format; bumped when a field changes meaning or disappears.
    public static let reportFormatVersion = 1

    /// The process exit code for `results` (see the type's documentation).
    public static func exitCode(_ results: [CaseResult]) -> Int32 {
        if results.isEmpty || results.contains(where: { $0.status == .error }) { return 2 }
        return results.contains(where: { $0.status == .failed }) ? 1 : 0
    }

    /// One row per tensor: case, tensor, shape, max abs error (with index and both values), max rel, mismatches,
    /// tolerance, status; for a failing tensor the greatest abs and rel differences over the mismatched elements,
    /// with their indices, both values at 9 (float32) or 17 (float64) significant digits and the bound allowed
    /// there. Printed values follow their case's rows, marked `printed`. An error line per case that could not
    /// run, a note per case with unchecked outputs, then the summary line.
    public static func table(_ results: [CaseResult]) -> String {
        let withShadow = results.contains { $0.comparisons.contains { $0.accuracyRatio != nil } }
        var header = ["case", "tensor", "shape", "max abs (at: swift vs ref)", "max rel", "mismatched", "tolerance", "status"]
        if withShadow { header.insert("fp64: swift err / ref err", at: 7) }
        var rows: [[String]] = [header]
        var notes: [String] = []
        for result in results {
            if let error = result.error {
                var row = [result.identifier, "-", "-", "-", "-", "-", "-", "ERROR"]
                if withShadow { row.insert("-", at: 7) }
                rows.append(row)
                notes.append("ERROR \(error)")
                continue
            }
            for c in result.comparisons { rows.append(row(result.identifier, c, tensor: c.name, withShadow: withShadow)) }
            for c in result.printed {
                rows.append(row(result.identifier, c, tensor: "printed \(c.name) (\(c.printedOf ?? "?"), cell \(c.printedCell ?? "?"))", withShadow: withShadow))
            }
            if !result.uncheckedOutputs.isEmpty {
                notes.append("note \(result.identifier): \(result.checkedOutputs) of \(result.computedOutputs) computed tensors checked; unchecked: "
                    + uncheckedByReason(result.uncheckedOutputs))
            }
        }
        for result in results where result.status == .failed {
            for c in result.comparisons + result.printed where !c.passed {
                notes.append("FAIL \(result.identifier): \(c)")
            }
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        lines.insert(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "), at: 1)
        lines += notes
        lines.append(summary(results))
        return lines.joined(separator: "\n")
    }

    private static func row(_ identifier: String, _ c: TensorComparison, tensor: String, withShadow: Bool) -> [String] {
        let digits = c.dtype == "float64" || c.printedOf != nil ? 17 : 9
        func v(_ x: Double) -> String { TensorComparison.format(x, digits: digits) }
        func short(_ x: Double) -> String { TensorComparison.format(x, digits: 3) }
        let abs: String, rel: String
        if let problem = c.problem {
            (abs, rel) = (problem, "-")
        } else if let worst = c.worstAbsMismatch, let relative = c.worstRelMismatch {
            abs = "\(short(worst.absError)) (\(worst.index): \(v(worst.actual)) vs \(v(worst.expected)), allowed \(short(worst.bound)))"
            rel = "\(short(relative.relError)) at \(relative.index) (\(v(relative.actual)) vs \(v(relative.expected)), allowed \(short(relative.bound)))"
        } else {
            abs = "\(short(c.maxAbsError)) (\(c.maxAbsIndex): \(short(c.actualAtMaxAbs)) vs \(short(c.expectedAtMaxAbs)))"
            rel = short(c.maxRelError)
        }
        let mismatched = c.mismatches == 0 ? "0/\(c.total)" : "\(c.mismatches)/\(c.total) (\(percent(c.mismatches, c.total)))"
        var row = [identifier, tensor, "\(c.shape)", abs, rel, mismatched, c.tolerance.description, c.passed ? "ok" : "FAIL"]
        if withShadow {
            let shadow = c.accuracyRatio.map { "\(short(c.swiftError64 ?? .nan)) / \(short(c.referenceError64 ?? .nan)) = \(short($0))" } ?? "-"
            row.insert(shadow, at: 7)
        }
        return row
    }

    private static func percent(_ k: Int, _ n: Int) -> String {
        n == 0 ? "0%" : String(format: "%.3g%%", 100 * Double(k) / Double(n))
    }

    /// `12 passed, 0 failed` style summary, counting cases; tensors, printed values and coverage in parentheses.
    public static func summary(_ results: [CaseResult]) -> String {
        if results.isEmpty { return "replay: no case matched (nothing was checked)" }
        let passed = results.count { $0.status == .passed }
        let failed = results.count { $0.status == .failed }
        let errored = results.count { $0.status == .error }
        let tensors = results.reduce(0) { $0 + $1.comparisons.count }
        let tensorsPassed = results.reduce(0) { $0 + $1.comparisons.count(where: \.passed) }
        let printed = results.reduce(0) { $0 + $1.printed.count }
        let printedPassed = results.reduce(0) { $0 + $1.printed.count(where: \.passed) }
        let computed = results.reduce(0) { $0 + $1.computedOutputs }
        let checked = results.reduce(0) { $0 + $1.checkedOutputs }
        return "replay: \(passed) passed, \(failed + errored) failed"
            + " (\(results.count) cases, \(errored) with errors; \(tensorsPassed)/\(tensors) tensors within tolerance"
            + (printed > 0 ? "; \(printedPassed)/\(printed) printed values" : "")
            + "; \(checked) of \(computed) computed tensors checked)"
    }

    /// The results as JSON (`reportFormatVersion` 1): `passed` (false for an empty run), `exitCode`, `summary`,
    /// `files` (each file's provenance and manifest status), `errors` (file, case, tensor, kind, message) and
    /// `cases`. NaN and infinities are written as the strings "nan", "inf", "-inf".
    public static func json(_ results: [CaseResult], files: [FileReport] = []) throws -> String {
        struct FileEntry: Encodable {
            var file: String
            var provenance: [String: String]
            var manifest: String?
            var sha256: String?
        }
        struct Document: Encodable {
            var reportFormatVersion: Int
            var passed: Bool
            var exitCode: Int32
            var summary: String
            var files: [FileEntry]
            var errors: [ReportError]
            var cases: [CaseResult]
        }
        let errors = results.compactMap { result in
            result.errorDetail ?? result.error.map { ReportError(file: result.file, caseName: result.caseName, tensor: nil, kind: "replay", message: $0) }
        }
        let document = Document(
            reportFormatVersion: reportFormatVersion, passed: exitCode(results) == 0, exitCode: exitCode(results),
            summary: summary(results),
            files: files.map { FileEntry(file: $0.file, provenance: $0.provenance, manifest: $0.manifest?.rawValue, sha256: $0.sha256) },
            errors: errors, cases: results)
        return String(decoding: try encoder().encode(document), as: UTF8.self)
    }

    /// The encoder the report and the worker processes share.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    /// The unchecked tensors, those with the same reason named together once:
    /// `a, b (reason one); c (reason two)`, in name order of each reason's first tensor.
    public static func uncheckedByReason(_ unchecked: [String: String]) -> String {
        var order: [String] = []
        var names: [String: [String]] = [:]
        for (name, reason) in unchecked.sorted(by: { $0.key < $1.key }) {
            if names[reason] == nil { order.append(reason) }
            names[reason, default: []].append(name)
        }
        return order.map { "\(names[$0]!.joined(separator: ", ")) (\($0))" }.joined(separator: "; ")
    }
}
