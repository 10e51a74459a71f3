public import Baseline
import Comparison

extension CaseResult {
    /// Every compared tensor's errors, for the error baseline (`replay --baseline`, `--write-baseline`).
    public var tensorErrors: [TensorErrors] {
        comparisons.map { c in
            TensorErrors(
                caseID: identifier, tensor: c.name, maxAbs: c.problem == nil ? c.maxAbsError : .infinity,
                maxRel: c.problem == nil ? c.maxRelError : .infinity, maxErrorToBound: c.maxErrorToBound)
            // When the harness reads the float64 shadow, its `swiftError64`, `referenceError64` and `accuracyRatio`
            // go here too (TensorErrors already carries them, optional).
        }
    }
}
