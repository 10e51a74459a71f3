import Fixtures
import Foundation
import HDF5
import Report
import Testing

/// The rules the runner enforces for every replay: each must make a case fail when broken (docs/FIXTURES.md).
@Suite struct StrictnessTests {
    func only(_ path: String) -> CaseResult? {
        let results = ConformanceRunner.run(paths: [path])
        #expect(results.count == 1)
        return results.first
    }

    func error(_ fixture: TinyFixture) throws -> String {
        let result = only(try fixture.write())
        #expect(result?.status == .error)
        return result?.error ?? ""
    }

    // MARK: Coverage: every computed tensor recorded, in computed order

    @Test func aRecordedOutputDeletedFailsTheCase() throws {
        let message = try error(TinyFixture(outputs: ["rnn_out", "hn"]))
        #expect(message.contains("computes 'cn' but outputs/ does not record it"), "\(message)")
    }

    @Test func outputsAreReadInCreationOrderNotNameOrder() throws {
        // rnn_out, hn, cn is dataflow order; name order would be cn, hn, rnn_out.
        let fixture = try FixtureLoader.loadCase("tiny", from: try TinyFixture().write())
        #expect(fixture.outputs.map(\.name) == ["rnn_out", "hn", "cn"])
    }

    @Test func outputsRecordedOutOfDataflowOrderFailTheCase() throws {
        let message = try error(TinyFixture(outputs: ["hn", "rnn_out", "cn"]))
        #expect(message.contains("not in the order the replay computes"), "\(message)")
        #expect(message.contains("position 0 holds 'hn'"), "\(message)")
    }

    @Test func uncheckedOutputsWithOneReasonAreNamedTogether() {
        let text = ReportFormatter.uncheckedByReason(["b.w": "too large", "a.w": "too large", "c": "never printed"])
        #expect(text == "a.w, b.w (too large); c (never printed)")
    }

    @Test func anUncheckedOutputNeedsAReasonAndIsCounted() throws {
        var fixture = TinyFixture(outputs: ["rnn_out", "hn"])
        fixture.edit = { _, group in try group.writeStringAttribute("unchecked_outputs", #"{"cn": "the notebook never prints it"}"#) }
        let result = only(try fixture.write())
        #expect(result?.status == .passed, "\(result?.error ?? "")")
        #expect(result?.checkedOutputs == 2 && result?.computedOutputs == 3)
        #expect(ReportFormatter.table([result!]).contains("2 of 3 computed tensors checked; unchecked: cn (the notebook never prints it)"))

        fixture.edit = { _, group in try group.writeStringAttribute("unchecked_outputs", #"{"cn": " "}"#) }
        #expect(try error(fixture).contains("gives no reason for 'cn'"))
    }

    // MARK: Every parameter, input and config key used

    @Test func aStrayParameterFailsTheCase() throws {
        #expect(try error(TinyFixture(extraParameter: true)).contains("rnn.weight_ih_l1"))
    }

    @Test func aStrayInputFailsTheCase() throws {
        var fixture = TinyFixture()
        fixture.edit = { _, group in _ = try group.group("inputs").createDataset("mask", shape: [1], values: [1.0]) }
        let message = try error(fixture)
        #expect(message.contains("tensor 'inputs/mask'") && message.contains("never read"), "\(message)")
    }

    @Test func aMisspeltConfigKeyFailsListingTheKnownOnes() throws {
        let message = try error(TinyFixture(config: #"{"hidden_size": 1, "input_size": 1, "num_layers": 1, "num_layer": 2}"#))
        #expect(message.contains("config key 'num_layer' is not one replay 'lstm.rnn' reads"), "\(message)")
        #expect(message.contains("its keys are: input_size, hidden_size, num_layers"), "\(message)")
    }

    @Test func aMisspeltOptionalKeyDoesNotSilentlyTakeItsDefault() throws {
        var fixture = TinyFixture(replay: "attention.mha")
        fixture.config = #"{"d_feat": 4, "n_head": 2, "dropout_p": 0, "train": false, "usebias": false}"#
        #expect(try error(fixture).contains("config key 'usebias' is not one replay 'attention.mha' reads"))
    }

    @Test func aConfigValueOfTheWrongTypeNamesTheKey() throws {
        let message = try error(TinyFixture(config: #"{"hidden_size": 1.5, "input_size": 1, "num_layers": 1}"#))
        #expect(message.contains("config 'hidden_size' should be int >= 1, found 1.5"), "\(message)")
    }

    // MARK: Attribute forms

    @Test(arguments: ["1.5", "[1, 1]", "\"1\""])
    func formatVersionMustBeTheIntegerOne(_ form: String) throws {
        var fixture = TinyFixture(formatVersion: nil)
        fixture.edit = { root, _ in
            switch form {
            case "1.5": try root.writeAttribute("format_version", [1.5], shape: [])
            case "[1, 1]": try root.writeAttribute("format_version", [Int64(1), 1], shape: [2])
            default: try root.writeStringAttribute("format_version", "1")
            }
        }
        let message = try error(fixture)
        #expect(message.contains("format_version"), "\(message)")
    }

    @Test func expectNonfiniteStoredAsABoolIsAccepted() throws {
        var fixture = TinyFixture(outputs: ["hn", "cn"])
        fixture.outputs = []
        fixture.edit = { _, group in
            let outputs = try group.group("outputs")
            let out = try outputs.createDataset("rnn_out", shape: [1, 2, 1], values: [0.059479460745161035, 0.22583794062474571])
            try out.writeAttribute("expect_nonfinite", [true], shape: [])
            _ = try outputs.createDataset("hn", shape: [1, 1, 1], values: [0.22583794062474571])
            _ = try outputs.createDataset("cn", shape: [1, 1, 1], values: [0.34452346420796226])
        }
        let result = only(try fixture.write())
        #expect(result?.status == .passed, "\(result?.error ?? "")")
    }

    // MARK: Tolerances: per dtype, overrides read both ways round

    @Test func aFloat64CaseUsesTheFloat64DefaultTolerance() throws {
        // 1e-6 off: inside float32's atol 1e-5, outside float64's atol 1e-7 + rtol 1e-7.
        let result = only(try TinyFixture(rnnOut: [0.059479460745161035 + 1e-6, 0.22583794062474571]).write())
        #expect(result?.status == .failed)
        let rnnOut = result?.comparisons.first
        #expect(rnnOut?.tolerance.rtol == 1e-7 && rnnOut?.tolerance.atol == 1e-7)
    }

    @Test func anAtolOverrideIsAppliedAsAtol() throws {
        let reason = "measured: 5e-4 from a float32 reduction"
        func run(_ error: Double, rtol: Double, atol: Double) throws -> CaseResult.Status? {
            var fixture = TinyFixture(rnnOut: [0.059479460745161035 + error, 0.22583794062474571], outputAttributes: ["rtol": rtol, "atol": atol])
            fixture.edit = { _, group in try group.dataset("outputs/rnn_out").writeStringAttribute("tolerance_reason", reason) }
            return only(try fixture.write())?.status
        }
        // atol 1e-3, rtol 0: 5e-4 passes, 2e-3 fails. Swapped (rtol 1e-3, atol 0): 5e-4 would fail (bound 6e-5).
        #expect(try run(5e-4, rtol: 0, atol: 1e-3) == .passed)
        #expect(try run(2e-3, rtol: 0, atol: 1e-3) == .failed)
        // rtol 1e-2, atol 0: bound 5.9e-4 at 0.0595: 4e-4 passes, 8e-4 fails; atol ignored or swapped would differ.
        #expect(try run(4e-4, rtol: 1e-2, atol: 0) == .passed)
        #expect(try run(8e-4, rtol: 1e-2, atol: 0) == .failed)
        // Both halves count: rtol 1e-2 plus atol 1e-3 allows 1.5e-3, either alone does not.
        #expect(try run(1.5e-3, rtol: 1e-2, atol: 1e-3) == .passed)
    }

    // MARK: Printed values

    func printed(_ name: String, _ values: [Double], shape: [Int], of: String, atol: Double?) -> TinyFixture {
        var fixture = TinyFixture()
        fixture.edit = { _, group in
            let printed = try group.createGroup("printed", trackCreationOrder: true)
            let dataset = of.hasSuffix(".shape")
                ? try printed.createDataset(name, shape: shape, values: values.map { Int64($0) })
                : try printed.createDataset(name, shape: shape, values: values)
            try dataset.writeStringAttribute("cell", "In [12]")
            try dataset.writeStringAttribute("of", of)
            if let atol { try dataset.writeAttribute("atol", [atol], shape: []) }
        }
        return fixture
    }

    @Test func aPrintedValueIsCheckedWithinHalfItsLastDigit() throws {
        let good = only(try printed("hn_printed", [0.2258], shape: [1, 1, 1], of: "outputs/hn", atol: 5e-5).write())
        #expect(good?.status == .passed, "\(good?.error ?? "")")
        #expect(good?.printed.first?.printedCell == "In [12]")
        #expect(ReportFormatter.table([good!]).contains("printed hn_printed (outputs/hn, cell In [12])"))
        let bad = only(try printed("hn_printed", [0.2259], shape: [1, 1, 1], of: "outputs/hn", atol: 5e-5).write())
        #expect(bad?.status == .failed)
    }

    @Test func aPrintedShapeMustMatchExactly() throws {
        let good = only(try printed("shape", [1, 2, 1], shape: [3], of: "outputs/rnn_out.shape", atol: nil).write())
        #expect(good?.status == .passed, "\(good?.error ?? "")")
        let bad = only(try printed("shape", [1, 2, 2], shape: [3], of: "outputs/rnn_out.shape", atol: nil).write())
        #expect(bad?.status == .failed, "\(bad?.error ?? "") \(bad?.printed.map(\.description) ?? [])")
    }

    @Test func aPrintedValueOfATensorNotComputedIsAnError() throws {
        let message = try error(printed("x", [0.1], shape: [1], of: "outputs/attention", atol: 5e-2))
        #expect(message.contains("printed/x") && message.contains("does not compute"), "\(message)")
    }

    // MARK: Float64 shadow

    func float32Tiny() -> TinyFixture {
        var fixture = TinyFixture()
        fixture.dtype = "float32"
        return fixture
    }

    @Test func aShadowIsComparedAndNeverDecidesTheVerdict() throws {
        var fixture = float32Tiny()
        fixture.edit = { _, group in
            let shadow = try group.createGroup("shadow", trackCreationOrder: true)
            _ = try shadow.createDataset("rnn_out", shape: [1, 2, 1], values: [0.059479460745161035, 0.22583794062474571])
            _ = try shadow.createDataset("hn", shape: [1, 1, 1], values: [0.22583794062474571])
            _ = try shadow.createDataset("cn", shape: [1, 1, 1], values: [0.34452346420796226])
        }
        let result = only(try fixture.write())
        #expect(result?.status == .passed, "\(result?.error ?? "")")
        let hn = try #require(result?.comparisons.first { $0.name == "hn" })
        let reference = abs(Double(Float(0.22583794062474571)) - 0.22583794062474571)
        #expect(hn.referenceError64 == reference)
        #expect(hn.swiftError64 != nil && hn.accuracyRatio == hn.swiftError64! / reference)
    }

    @Test func aShadowMustCoverEveryOutputAndOnlyOutputs() throws {
        var fixture = float32Tiny()
        fixture.edit = { _, group in
            let shadow = try group.createGroup("shadow", trackCreationOrder: true)
            _ = try shadow.createDataset("hn", shape: [1, 1, 1], values: [0.22583794062474571])
        }
        #expect(try error(fixture).contains("shadow/rnn_out"))
        fixture.edit = { _, group in
            let shadow = try group.createGroup("shadow", trackCreationOrder: true)
            _ = try shadow.createDataset("attention", shape: [1], values: [0.5])
        }
        #expect(try error(fixture).contains("shadows no output"))
        var float64 = TinyFixture()
        float64.edit = { _, group in
            _ = try group.createGroup("shadow", trackCreationOrder: true).createDataset("hn", shape: [1, 1, 1], values: [0.2])
        }
        #expect(try error(float64).contains("a float64 case has no float64 shadow"))
    }
}
