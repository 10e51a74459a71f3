public import Tensors

/// A notebook computation the harness can run from a fixture case: a `declaration` (what it reads and writes)
/// and a `run` body.
///
/// The runner validates the case's `config` against `declaration.config` before `run` (unknown keys refused,
/// types and defaults applied), and after `run` checks that every parameter was taken from `input.parameters`,
/// every recorded input was read, every declared config key was read, and that `outputs/` records every tensor the
/// trace holds, in the order it was recorded. A replay therefore only builds layers and records tensors; it never
/// calls `finish()` itself. It knows nothing of HDF5 or of comparison.
///
/// To add a replay: write the layer, add one `enum X: Replay` to the family's file in `Sources/Replays/` with its
/// declaration and run body, list it in the family's `all`, and write the reference case in `tools/`.
public protocol Replay: Sendable {
    /// Name, typed config keys, inputs, parameter prefixes and outputs in order (`replay --describe`).
    static var declaration: ReplayDeclaration { get }

    /// Runs the case in scalar type `S` (the case's dtype) and records the named intermediates in dataflow order.
    static func run<S: TensorScalar>(_ input: inout ReplayInput<S>) throws -> ReplayTrace<S>
}

extension Replay {
    /// The name a case's `replay` attribute gives, e.g. `lstm.classifier`.
    public static var name: String { declaration.name }
}
