public import Tensors

/// One case of a fixture file, loaded: what to replay, with which configuration, on which tensors, and what the
/// reference computed. See docs/FIXTURES.md for the schema.
public struct FixtureCase: Sendable {
    /// One recorded output of the reference, with how strictly to compare it.
    public struct ExpectedOutput: Sendable {
        public var name: String
        public var tensor: AnyTensor
        /// `rtol`/`atol` recorded on the dataset, when the fixture overrides the default.
        public var toleranceOverride: (rtol: Double, atol: Double, reason: String)?
        /// The reference holds NaN/Inf on purpose; Swift must match their positions exactly.
        public var expectNonfinite: Bool
        /// `shadow/<name>`: the same computation run by the reference in float64 (float32 cases only).
        public var shadow: Tensor<Double>?
    }

    /// A value a notebook printed or hard-coded (`printed/<name>`), checked against a tensor the replay computes.
    public struct PrintedValue: Sendable {
        /// What is compared: the tensor's elements within `atol` (rtol 0), or its shape exactly.
        public enum Check: Sendable {
            case values(Tensor<Double>, atol: Double)
            case shape([Int])
        }
        public var name: String
        /// Where the notebook prints it (the `cell` attribute).
        public var cell: String
        /// The computed tensor it is about (`of` without `outputs/` and `.shape`).
        public var tensor: String
        public var check: Check
        /// Why `atol` is more than half the last printed digit, when it is (`tolerance_reason`).
        public var toleranceReason: String? = nil
    }

    /// The file the case came from, as given to the loader.
    public var file: String
    /// The case group's name.
    public var name: String
    /// Which Swift replay runs it, e.g. `lstm.classifier`.
    public var replay: String
    /// `float32` or `float64`.
    public var dtype: String
    public var configuration: CaseConfiguration
    public var description: String
    public var seed: Int64?
    public var inputs: [String: AnyTensor]
    public var parameters: [String: AnyTensor]
    /// In dataflow order.
    public var outputs: [ExpectedOutput]
    /// Computed tensors the case leaves unchecked, each with its reason (case attribute `unchecked_outputs`).
    public var uncheckedOutputs: [String: String] = [:]
    /// `printed/`, in creation order.
    public var printed: [PrintedValue] = []

    /// `lstm.h5/shape_demo_rnn`: how reports and tests name the case.
    public var identifier: String {
        let base = file.split(separator: "/").last.map(String.init) ?? file
        return "\(base)/\(name)"
    }
}
