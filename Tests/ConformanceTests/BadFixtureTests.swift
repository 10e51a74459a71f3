import Fixtures
import Foundation
import Report
import Testing

/// Bad input is one clear error naming the file, the case and the tensor: never a crash, never a pass.
@Suite struct BadFixtureTests {
    /// Replays `path` and returns the single result, which must not pass.
    func failingResult(_ path: String, file: StaticString = #filePath) -> CaseResult? {
        let results = ConformanceRunner.run(paths: [path])
        #expect(results.count == 1)
        #expect(results.allSatisfy { $0.status != .passed })
        return results.first
    }

    @Test func theTinyFixtureAsBuiltPasses() throws {
        let results = ConformanceRunner.run(paths: [try TinyFixture().write()])
        #expect(results.map(\.status) == [.passed], "\(results.map { $0.error ?? "" })")
        #expect(results.first?.comparisons.count == 3)
    }

    @Test func aMissingFileIsNamed() {
        let result = failingResult("/nonexistent/lstm.h5")
        #expect(result?.error?.contains("/nonexistent/lstm.h5") == true)
    }

    @Test func aFileThatIsNotHDF5IsAnError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("not-hdf5-\(UUID().uuidString).h5").path
        try "not an HDF5 file\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = failingResult(path)
        #expect(result?.status == .error)
        #expect(result?.error?.contains(path) == true)
        #expect(result?.error?.contains("not an HDF5 file") == true)
    }

    @Test(arguments: [0.5, 0.9, 0.1])
    func aTruncatedCommittedFixtureIsAnErrorNotACrash(keeping fraction: Double) throws {
        let source = FixtureCatalog.packageRoot.appendingPathComponent("fixtures/lstm.h5").path
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("truncated-\(UUID().uuidString).h5").path
        try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: path))
        let results = ConformanceRunner.run(paths: [path])
        #expect(!results.isEmpty)
        #expect(results.contains { $0.status == .error })
        #expect(results.allSatisfy { $0.status != .passed || $0.error == nil })
        for result in results where result.status == .error {
            #expect(result.error?.contains(path) == true, "\(result.error ?? "")")
        }
    }

    @Test func anUnknownFormatVersionIsRefused() throws {
        let path = try TinyFixture(formatVersion: 99).write()
        let error = failingResult(path)?.error ?? ""
        #expect(error.contains("format_version 99 is not supported"), "\(error)")
        #expect(error.contains(path))
    }

    @Test func aFileWithoutFormatVersionIsNotAFixture() throws {
        let error = failingResult(try TinyFixture(formatVersion: nil).write())?.error ?? ""
        #expect(error.contains("no 'format_version'"), "\(error)")
    }

    @Test func aFloatingTensorOfAnotherDtypeNamesTheTensor() throws {
        let error = failingResult(try TinyFixture(storeXAsFloat32: true).write())?.error ?? ""
        #expect(error.contains("case 'tiny'") && error.contains("inputs/x") && error.contains("stored as float32, expected float64"), "\(error)")
    }

    @Test func aNaNInAnInputIsRefused() throws {
        let error = failingResult(try TinyFixture(x: [1, .nan]).write())?.error ?? ""
        #expect(error.contains("inputs/x") && error.contains("non-finite"), "\(error)")
    }

    @Test func anInfinityInAReferenceIsRefusedUnlessDeclared() throws {
        let error = failingResult(try TinyFixture(rnnOut: [.infinity, 0.2]).write())?.error ?? ""
        #expect(error.contains("outputs/rnn_out") && error.contains("expect_nonfinite"), "\(error)")
    }

    @Test func aParameterOfTheWrongShapeNamesTheKeyAndBothShapes() throws {
        let error = failingResult(try TinyFixture(weightIHShape: [4, 2]).write())?.error ?? ""
        #expect(error.contains("'rnn.weight_ih_l0' has shape [4, 2], the model expects [4, 1]"), "\(error)")
    }

    @Test func anUnusedParameterIsAnError() throws {
        let error = failingResult(try TinyFixture(extraParameter: true).write())?.error ?? ""
        #expect(error.contains("rnn.weight_ih_l1"), "\(error)")
    }

    @Test func aMissingInputIsNamed() throws {
        let error = failingResult(try TinyFixture(inputName: "input").write())?.error ?? ""
        #expect(error.contains("no input 'x'"), "\(error)")
    }

    @Test func anOutputTheReplayDoesNotComputeIsNamed() throws {
        let error = failingResult(try TinyFixture(extraOutput: "attention").write())?.error ?? ""
        #expect(error.contains("outputs/attention"), "\(error)")
    }

    @Test func anUnknownReplayIsNamed() throws {
        let error = failingResult(try TinyFixture(replay: "lstm.gru").write())?.error ?? ""
        #expect(error.contains("unknown replay 'lstm.gru'"), "\(error)")
    }

    @Test func aConfigWithoutAKeyNamesTheKey() throws {
        let error = failingResult(try TinyFixture(config: #"{"input_size": 1, "num_layers": 1}"#).write())?.error ?? ""
        #expect(error.contains("'hidden_size'"), "\(error)")
    }

    @Test func aToleranceOverrideNeedsAReason() throws {
        let error = failingResult(try TinyFixture(outputAttributes: ["rtol": 1e-3, "atol": 1e-3]).write())?.error ?? ""
        #expect(error.contains("tolerance_reason"), "\(error)")
    }

    @Test func aWrongReferenceValueFailsAndNamesTheElement() throws {
        let result = failingResult(try TinyFixture(rnnOut: [0.059479460745161035, 0.2258]).write())
        #expect(result?.status == .failed)
        let bad = result?.comparisons.first { !$0.passed }
        #expect(bad?.name == "rnn_out")
        #expect(bad?.maxAbsIndex == [0, 1, 0])
        #expect(bad?.mismatches == 1)
    }
}
