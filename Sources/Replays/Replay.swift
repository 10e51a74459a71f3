public import Tensors

/// A notebook computation the harness can run from a fixture case.
///
/// A replay reads its sizes from the case's recorded configuration (never from constants tied to one notebook),
/// builds the layers from the case's `state_dict` strictly, runs them on the case's inputs and returns every
/// intermediate it computed, named as in docs/FIXTURES.md. It knows nothing of HDF5 or of comparison.
public protocol Replay: Sendable {
    /// The name a case's `replay` attribute gives, e.g. `lstm.classifier`.
    static var name: String { get }

    /// Runs the case in scalar type `S` (the case's dtype) and records the named intermediates.
    static func run<S: TensorScalar>(_ input: ReplayInput<S>) throws -> ReplayTrace<S>
}
