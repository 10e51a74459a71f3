import Fixtures
import Foundation
import HDF5
import Replays
import Report
import Tensors
import Testing

/// One value a notebook printed, as a fixture stores it under a case's `printed/` (docs/FIXTURES.md "Printed
/// values"): compared with the replay's `outputs/<tensor>` (within `atol`) or with its shape (`.shape`).
struct PrintedValue: Sendable, CustomTestStringConvertible {
    var file: String
    var caseName: String
    var name: String
    var of: String
    var cell: String
    var atol: Double?
    var values: [Double]
    var shape: [Int]

    var testDescription: String { "\((file as NSString).lastPathComponent)/\(caseName)/printed/\(name)" }
    var isShape: Bool { of.hasSuffix(".shape") }
    var tensor: String { String(of.dropFirst("outputs/".count).dropLast(isShape ? ".shape".count : 0)) }

    /// Every `printed/` dataset of every committed fixture.
    static func all() -> [PrintedValue] {
        var found: [PrintedValue] = []
        for reference in FixtureCatalog.allCases() where reference.loadError == nil {
            guard let file = try? HDF5File.open(reference.file),
                  let group = try? file.root.group(reference.name), (try? group.contains("printed")) == true,
                  let printed = try? group.group("printed"), let names = try? printed.memberNames()
            else { continue }
            for name in names {
                guard let dataset = try? printed.dataset(name) else { continue }
                let of = (try? dataset.readStringAttribute("of")) ?? ""
                let atol = (try? dataset.hasAttribute("atol")) == true
                    ? (try? dataset.readAttribute("atol", as: Double.self))?.first : nil
                let values = of.hasSuffix(".shape")
                    ? ((try? dataset.read(as: Int64.self)) ?? []).map(Double.init)
                    : (try? dataset.read(as: Double.self)) ?? []
                found.append(PrintedValue(
                    file: reference.file, caseName: reference.name, name: name, of: of,
                    cell: (try? dataset.readStringAttribute("cell")) ?? "", atol: atol, values: values,
                    shape: (try? dataset.shape()) ?? []))
            }
        }
        return found
    }
}

/// The notebooks' own numbers: the Swift replay of each case reproduces every value the notebook printed or
/// hard-coded as expected, within half its last printed digit (the fixture's `atol`), and every printed shape.
@Suite struct PrintedValuesTests {
    @Test(arguments: PrintedValue.all())
    func replayReproducesWhatTheNotebookPrinted(_ printed: PrintedValue) throws {
        #expect(printed.of.hasPrefix("outputs/"), "\(printed.testDescription): 'of' is '\(printed.of)'")
        #expect(!printed.cell.isEmpty, "\(printed.testDescription): no 'cell'")
        let fixture = try FixtureLoader.loadCase(printed.caseName, from: printed.file)
        let replay = try #require(ReplayCatalog.replay(named: fixture.replay))
        let actual: AnyTensor? = switch fixture.dtype {
        case "float64": try replay.run(try ReplayInput<Double>(fixture))[printed.tensor].map { AnyTensor($0) }
        default: try replay.run(try ReplayInput<Float>(fixture))[printed.tensor].map { AnyTensor($0) }
        }
        let tensor = try #require(actual, "\(printed.testDescription): the replay computes no '\(printed.tensor)'")
        if printed.isShape {
            #expect(tensor.shape == printed.values.map { Int($0) },
                    "\(printed.testDescription): printed \(printed.values), the replay's shape \(tensor.shape)")
            return
        }
        let atol = try #require(printed.atol, "\(printed.testDescription): no atol")
        #expect(tensor.shape == printed.shape, "\(printed.testDescription): shape \(tensor.shape) vs \(printed.shape)")
        var worst = (error: 0.0, index: 0)
        for (index, (a, e)) in zip(tensor.doubles, printed.values).enumerated() where !(abs(a - e) <= worst.error) {
            worst = (abs(a - e), index)
        }
        #expect(worst.error <= atol, """
            \(printed.testDescription) (\(printed.cell)): max |swift - printed| \(worst.error) at flat index \
            \(worst.index) (swift \(tensor.doubles[worst.index]), printed \(printed.values[worst.index])), atol \(atol)
            """)
    }

    /// The cells the issue names are stored, so the test above cannot pass by finding nothing.
    @Test func theNotebooksPrintedValuesAreStored() {
        let stored = Set(PrintedValue.all().map { "\(($0.file as NSString).lastPathComponent)/\($0.caseName)/\($0.name)" })
        for expected in [
            "cs231n_transformer.h5/model_notebook/expected_scores",
            "cs231n_transformer.h5/mha_notebook_masked/expected_masked_self_attn_output",
            "cs231n_transformer.h5/mha_notebook_self/expected_self_attn_output",
            "cs231n_transformer.h5/mha_notebook_cross/expected_attn_output",
            "cs231n_transformer.h5/pe_notebook/expected_pe_output",
            "cs231n_rnn.h5/rnn_step_forward/expected_next_h", "cs231n_rnn.h5/rnn_forward/expected_h",
            "cs231n_rnn.h5/lstm_step_forward/expected_next_h", "cs231n_rnn.h5/lstm_step_forward/expected_next_c",
            "cs231n_rnn.h5/lstm_forward/expected_h", "cs231n_rnn.h5/captioning_rnn_loss/expected_loss",
            "cs231n_rnn.h5/captioning_lstm_loss/expected_loss", "lstm.h5/shape_demo_forward/total_params",
        ] {
            #expect(stored.contains(expected), "no printed value \(expected)")
        }
    }
}
