import Fixtures
import Replays
import Report
import Testing

/// The PyTorch parity tests: one test per committed fixture case, each tensor within its tolerance.
@Suite struct ParityTests {
    @Test(arguments: FixtureCatalog.allCases())
    func caseMatchesItsReference(_ reference: CaseReference) throws {
        if let loadError = reference.loadError { Issue.record("\(loadError)"); return }
        let fixture = try FixtureLoader.loadCase(reference.name, from: reference.file)
        let result = ConformanceRunner.run(fixture)
        #expect(result.error == nil, "\(result.error ?? "")")
        #expect(!result.comparisons.isEmpty || result.error != nil)
        for comparison in result.comparisons {
            #expect(comparison.passed, "\(reference.testDescription): \(comparison)")
        }
    }

    @Test func everyReplayIsExercisedByACommittedCase() throws {
        var used = Set<String>()
        for reference in FixtureCatalog.allCases() where reference.loadError == nil {
            used.insert(try FixtureLoader.loadCase(reference.name, from: reference.file).replay)
        }
        let unexercised = ReplayCatalog.all.map { $0.name }.filter { !used.contains($0) }
        #expect(unexercised.isEmpty, "replays with no fixture case: \(unexercised)")
    }
}
