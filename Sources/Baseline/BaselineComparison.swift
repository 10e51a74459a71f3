/// A run's tensor errors against the committed baseline: which tensors got worse beyond the rule (a failure),
/// which got better (the baseline can be tightened), which appeared or disappeared, and whose float64 accuracy ratio
/// got worse.
///
/// Only the cases the run covered are compared (a `--filter` or `--shard` run leaves the others alone), unless the
/// run is `complete`: then a baseline case the run never saw is reported as removed too. Removed tensors fail the
/// comparison (coverage was lost); added ones are named but do not fail (they are still held to their tolerance).
public struct BaselineComparison: Sendable {
    /// One tensor whose figures moved: the old and new records and the growth factor of the compared figure.
    public struct Change: Sendable, CustomStringConvertible {
        public var old: TensorErrors
        public var new: TensorErrors
        /// `new / old` of the compared figure (max error/bound, or the accuracy ratio).
        public var factor: Double
        public var figure: String

        public var key: TensorErrors.Key { new.key }

        /// `lstm.h5/x hn: max error/bound 0.0123 -> 0.0567 (4.61x; max abs 1.2e-07 -> 5.5e-07)`.
        public var description: String {
            let (o, n) = figure == "accuracy ratio"
                ? (old.accuracyRatio ?? .nan, new.accuracyRatio ?? .nan) : (old.maxErrorToBound, new.maxErrorToBound)
            return "\(key.caseID) \(key.tensor): \(figure) \(Self.number(o)) -> \(Self.number(n)) "
                + "(\(Self.factorText(factor)); max abs \(Self.number(old.maxAbs)) -> \(Self.number(new.maxAbs)))"
        }

        public static func factorText(_ factor: Double) -> String {
            factor.isInfinite ? "from 0" : (factor.isNaN ? "nan" : String(format: "%.3gx", factor))
        }

        public static func number(_ x: Double) -> String {
            if x.isNaN { return "nan" }
            if x.isInfinite { return x > 0 ? "inf" : "-inf" }
            return x == 0 ? "0" : String(format: "%.3g", x)
        }
    }

    public var rule: BaselineRule
    public var regressions: [Change] = []
    public var improvements: [Change] = []
    public var accuracyWorse: [Change] = []
    public var added: [TensorErrors] = []
    public var removed: [TensorErrors] = []
    /// Tensors compared (present in both).
    public var compared = 0

    /// No regression and nothing removed.
    public var passed: Bool { regressions.isEmpty && removed.isEmpty }

    /// Compares `run` with `baseline` under `rule`. `coveredCases` are the case identifiers the run attempted
    /// (including cases that failed to run); `complete` says the run attempted every case there is.
    public init(
        baseline: ErrorBaseline, run: [TensorErrors], coveredCases: Set<String>, complete: Bool,
        rule: BaselineRule = .measured
    ) {
        self.rule = rule
        var seen = Set<TensorErrors.Key>()
        for new in run.sorted(by: { $0.key < $1.key }) {
            seen.insert(new.key)
            guard let old = baseline.entries[new.key] else {
                added.append(new)
                continue
            }
            compared += 1
            let factor = BaselineRule.growth(old: old.maxErrorToBound, new: new.maxErrorToBound)
            if rule.isRegression(old: old.maxErrorToBound, new: new.maxErrorToBound) {
                regressions.append(Change(old: old, new: new, factor: factor, figure: "max error/bound"))
            } else if rule.isImprovement(old: old.maxErrorToBound, new: new.maxErrorToBound) {
                improvements.append(Change(old: old, new: new, factor: factor, figure: "max error/bound"))
            }
            if let o = old.accuracyRatio, let n = new.accuracyRatio, n > rule.factor * o, n - o > 1 {
                accuracyWorse.append(Change(old: old, new: new, factor: BaselineRule.growth(old: o, new: n), figure: "accuracy ratio"))
            }
        }
        for (key, old) in baseline.entries where !seen.contains(key) && (complete || coveredCases.contains(key.caseID)) {
            removed.append(old)
        }
        removed.sort { $0.key < $1.key }
    }

    /// The lines `replay --baseline` prints: regressions, removed, added, improvements, worse accuracy ratios, and a
    /// summary line.
    public var lines: [String] {
        var lines: [String] = []
        lines += regressions.map { "baseline: GREW \($0)" }
        lines += removed.map { "baseline: REMOVED \($0.caseID) \($0.tensor) (in the baseline, not in this run)" }
        lines += added.map { "baseline: added \($0.caseID) \($0.tensor) (not in the baseline yet)" }
        lines += improvements.map { "baseline: improved \($0) (the baseline can be tightened: replay --write-baseline)" }
        lines += accuracyWorse.map { "baseline: float64 accuracy worse \($0)" }
        lines.append(summary)
        return lines
    }

    public var summary: String {
        "baseline: \(passed ? "passed" : "FAILED"): \(compared) tensors compared, \(regressions.count) grew, "
            + "\(improvements.count) improved, \(added.count) added, \(removed.count) removed, "
            + "\(accuracyWorse.count) worse float64 accuracy ratios (\(rule))"
    }
}
