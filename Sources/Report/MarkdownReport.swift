public import Baseline
import Comparison
import Foundation

/// The summary a reviewer reads in a pull request (`replay --markdown FILE`): the verdict, what failed (tensors out
/// of tolerance with their figures, cases that could not run), the five passing tensors closest to their tolerance,
/// the tensors that moved against the error baseline and by what factor, tensors added or removed, and the float64
/// accuracy ratios that got worse.
public enum MarkdownReport {
    public static func markdown(_ results: [CaseResult], baseline: BaselineComparison? = nil, title: String = "Replay gate") -> String {
        let failedCases = results.filter { $0.status != .passed }
        let passed = failedCases.isEmpty && (baseline?.passed ?? true)
        var out = ["## \(title): \(passed ? "passed" : "FAILED")", "", ReportFormatter.summary(results)]
        if let baseline { out.append(baseline.summary) }

        if !failedCases.isEmpty {
            out += ["", "### Failed", "", "| case | tensor | max abs | max rel | max error/bound | mismatched | tolerance |",
                    "| --- | --- | --- | --- | --- | --- | --- |"]
            for result in failedCases {
                if let error = result.error {
                    out.append("| `\(result.identifier)` | - | error: \(cell(error)) | | | | |")
                    continue
                }
                for c in result.comparisons where !c.passed {
                    if let problem = c.problem {
                        out.append("| `\(result.identifier)` | `\(c.name)` | \(cell(problem)) | | | | |")
                    } else {
                        out.append("| `\(result.identifier)` | `\(c.name)` | \(n(c.maxAbsError)) | \(n(c.maxRelError)) | "
                            + "\(n(c.maxErrorToBound)) | \(c.mismatches)/\(c.total) | \(c.tolerance) |")
                    }
                }
            }
        }
        let closest = results.flatMap { r in r.comparisons.filter(\.passed).map { (r.identifier, $0) } }
            .sorted { $0.1.maxErrorToBound > $1.1.maxErrorToBound }.prefix(5)
        if !closest.isEmpty {
            out += ["", "### Closest to their tolerance", "", "| case | tensor | max error/bound | max abs | tolerance |",
                    "| --- | --- | --- | --- | --- |"]
            for (id, c) in closest {
                out.append("| `\(id)` | `\(c.name)` | \(n(c.maxErrorToBound)) | \(n(c.maxAbsError)) | \(c.tolerance) |")
            }
        }
        if let baseline {
            let moved = baseline.regressions.map { ("grew", $0) } + baseline.improvements.map { ("improved", $0) }
            if !moved.isEmpty {
                out += ["", "### Moved against the baseline", "",
                        "| case | tensor | change | factor | max error/bound | max abs |", "| --- | --- | --- | --- | --- | --- |"]
                for (what, c) in moved {
                    out.append("| `\(c.key.caseID)` | `\(c.key.tensor)` | \(what == "grew" ? "**grew**" : "improved") | "
                        + "\(BaselineComparison.Change.factorText(c.factor)) | \(n(c.old.maxErrorToBound)) -> \(n(c.new.maxErrorToBound)) | "
                        + "\(n(c.old.maxAbs)) -> \(n(c.new.maxAbs)) |")
                }
                if !baseline.improvements.isEmpty {
                    out += ["", "Improvements can be locked in with `replay --write-baseline baseline/errors.json`."]
                }
            }
            if !baseline.added.isEmpty || !baseline.removed.isEmpty {
                out += ["", "### Tensors added or removed", ""]
                out += baseline.removed.map { "- **removed** `\($0.caseID)` `\($0.tensor)`" }
                out += baseline.added.map { "- added `\($0.caseID)` `\($0.tensor)` (max error/bound \(n($0.maxErrorToBound)))" }
            }
            if !baseline.accuracyWorse.isEmpty {
                out += ["", "### Float64 accuracy ratios that got worse", "",
                        "| case | tensor | Swift/PyTorch error vs float64 | factor |", "| --- | --- | --- | --- |"]
                for c in baseline.accuracyWorse {
                    out.append("| `\(c.key.caseID)` | `\(c.key.tensor)` | \(n(c.old.accuracyRatio ?? .nan)) -> "
                        + "\(n(c.new.accuracyRatio ?? .nan)) | \(BaselineComparison.Change.factorText(c.factor)) |")
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    private static func n(_ x: Double) -> String { BaselineComparison.Change.number(x) }
}
