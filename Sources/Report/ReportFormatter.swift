import Comparison
import Foundation

/// Renders case results as the conformance table people read, or as JSON for machines.
public enum ReportFormatter {
    /// One row per tensor: case, tensor, shape, max abs error (with index and both values), max rel, mismatches,
    /// tolerance, status; an error row per case that could not run; then a summary line.
    public static func table(_ results: [CaseResult]) -> String {
        var rows: [[String]] = [["case", "tensor", "shape", "max abs (at: swift vs ref)", "max rel", "mismatched", "tolerance", "status"]]
        var errors: [String] = []
        for result in results {
            if let error = result.error {
                rows.append([result.identifier, "-", "-", "-", "-", "-", "-", "ERROR"])
                errors.append("ERROR \(error)")
                continue
            }
            for c in result.comparisons {
                rows.append([
                    result.identifier, c.name, "\(c.shape)",
                    c.problem ?? "\(number(c.maxAbsError)) (\(c.maxAbsIndex): \(number(c.actualAtMaxAbs)) vs \(number(c.expectedAtMaxAbs)))",
                    c.problem == nil ? number(c.maxRelError) : "-",
                    "\(c.mismatches)/\(c.total)", c.tolerance.description, c.passed ? "ok" : "FAIL",
                ])
            }
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        lines.insert(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "), at: 1)
        lines += errors
        lines.append(summary(results))
        return lines.joined(separator: "\n")
    }

    /// `12 passed, 0 failed` style summary, counting cases; tensors in parentheses.
    public static func summary(_ results: [CaseResult]) -> String {
        let passed = results.count { $0.status == .passed }
        let failed = results.count { $0.status == .failed }
        let errored = results.count { $0.status == .error }
        let tensors = results.reduce(0) { $0 + $1.comparisons.count }
        let tensorsPassed = results.reduce(0) { $0 + $1.comparisons.count(where: \.passed) }
        return "replay: \(passed) passed, \(failed + errored) failed"
            + " (\(results.count) cases, \(errored) with errors; \(tensorsPassed)/\(tensors) tensors within tolerance)"
    }

    /// The results as JSON; NaN and infinities are written as the strings "nan", "inf", "-inf".
    public static func json(_ results: [CaseResult]) throws -> String {
        struct Document: Encodable {
            var passed: Bool
            var summary: String
            var cases: [CaseResult]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let document = Document(passed: results.allSatisfy { $0.status == .passed }, summary: summary(results), cases: results)
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }

    private static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        return String(format: "%.3g", x)
    }
}
