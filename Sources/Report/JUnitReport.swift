public import Baseline
import Comparison
import Foundation

/// JUnit XML for CI systems (`replay --junit FILE`): one `<testcase>` per fixture case, the fixture file as
/// `classname` and the case name as `name`.
///
/// A case out of tolerance gets a `<failure type="tolerance">` whose message names the failing tensors with their
/// figures; a case that could not run gets an `<error>`; a case with a tensor that grew against the baseline (or
/// lost one) gets a `<failure type="baseline">` naming tensor and factor. Every tensor's figures are in the case's
/// `<system-out>`.
public enum JUnitReport {
    public static func xml(_ results: [CaseResult], baseline: BaselineComparison? = nil, suite: String = "replay") -> String {
        var grew: [String: [String]] = [:]
        for change in baseline?.regressions ?? [] {
            grew[change.key.caseID, default: []].append("GREW \(change)")
        }
        for removed in baseline?.removed ?? [] {
            grew[removed.caseID, default: []].append("REMOVED \(removed.caseID) \(removed.tensor) (in the baseline, not in this run)")
        }
        let known = Set(results.map(\.identifier))
        let failures = results.count { $0.status == .failed || ($0.error == nil && grew[$0.identifier] != nil) }
        let errors = results.count { $0.status == .error }
        var lines = [
            #"<?xml version="1.0" encoding="UTF-8"?>"#,
            #"<testsuites name="\#(escape(suite))" tests="\#(results.count)" failures="\#(failures)" errors="\#(errors)">"#,
            #"  <testsuite name="\#(escape(suite))" tests="\#(results.count)" failures="\#(failures)" errors="\#(errors)">"#,
        ]
        for result in results {
            let file = (result.file as NSString).lastPathComponent
            lines.append(#"    <testcase classname="\#(escape(file))" name="\#(escape(result.caseName.isEmpty ? file : result.caseName))">"#)
            if let error = result.error {
                lines.append(#"      <error message="\#(escape(error))" type="fixture"/>"#)
            } else {
                let failing = result.comparisons.filter { !$0.passed }
                if !failing.isEmpty {
                    let message = failing.map { $0.description }.joined(separator: "; ")
                    lines.append(#"      <failure message="\#(escape(message))" type="tolerance">\#(escape(failing.map(\.description).joined(separator: "\n")))</failure>"#)
                }
                if let moved = grew[result.identifier] {
                    let message = moved.joined(separator: "; ")
                    lines.append(#"      <failure message="\#(escape(message))" type="baseline">\#(escape(moved.joined(separator: "\n")))</failure>"#)
                }
            }
            if !result.comparisons.isEmpty {
                lines.append("      <system-out>\(escape(result.comparisons.map(\.description).joined(separator: "\n")))</system-out>")
            }
            lines.append("    </testcase>")
        }
        // Baseline cases this run should have had but did not (a complete run only): one failing testcase each.
        for caseID in Set(baseline?.removed.map(\.caseID) ?? []).subtracting(known).sorted() {
            let parts = caseID.split(separator: "/", maxSplits: 1).map(String.init)
            lines.append(#"    <testcase classname="\#(escape(parts.first ?? caseID))" name="\#(escape(parts.last ?? caseID))">"#)
            lines.append(#"      <failure message="\#(escape(grew[caseID]?.joined(separator: "; ") ?? ""))" type="baseline"/>"#)
            lines.append("    </testcase>")
        }
        lines += ["  </testsuite>", "</testsuites>"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Text for an XML attribute or element: `& < > " '` escaped, control characters other than tab and newline
    /// dropped (XML 1.0 forbids them).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\t": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
