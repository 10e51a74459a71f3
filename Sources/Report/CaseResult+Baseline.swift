public import Baseline
import Comparison

extension CaseResult {
    /// Every compared tensor's errors, for the error baseline (`replay --baseline`, `--write-baseline`): the
    /// reference comparison, the float64 shadow figures when the case has a shadow, and each printed value as
    /// `printed/<name>`.
    public var tensorErrors: [TensorErrors] {
        comparisons.map { c in
            TensorErrors(
                caseID: identifier, tensor: c.printedOf == nil ? c.name : "printed/\(c.name)",
                maxAbs: c.problem == nil ? c.maxAbsError : .infinity,
                maxRel: c.problem == nil ? c.maxRelError : .infinity, maxErrorToBound: c.maxErrorToBound,
                swiftError64: c.swiftError64, referenceError64: c.referenceError64, accuracyRatio: c.accuracyRatio)
        }
    }
}
