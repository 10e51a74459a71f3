import Baseline
import Foundation
import Testing

@Suite struct BaselineRuleTests {
    let rule = BaselineRule(factor: 2, floor: 0.02)

    @Test func growthBeyondFactorAndFloorIsARegression() {
        #expect(rule.isRegression(old: 0.01, new: 0.04))      // 4x and +0.03
        #expect(!rule.isRegression(old: 0.01, new: 0.019))    // below the factor
        #expect(!rule.isRegression(old: 0.001, new: 0.01))    // 10x but only +0.009 of the bound: rounding noise
        #expect(!rule.isRegression(old: 0.5, new: 0.9))       // +0.4 but under 2x
        #expect(rule.isRegression(old: 0, new: 0.43))         // exact 0 to a real error
        #expect(!rule.isRegression(old: 0, new: 0.001))       // exact 0 to a rounding-sized error
        #expect(rule.isRegression(old: 0.01, new: .nan))
        #expect(rule.isRegression(old: 0.01, new: .infinity))
    }

    @Test func shrinkingBeyondFactorAndFloorIsAnImprovement() {
        #expect(rule.isImprovement(old: 0.04, new: 0.01))
        #expect(!rule.isImprovement(old: 0.01, new: 0.001))
        #expect(!rule.isImprovement(old: 0.04, new: 0.03))
    }

    @Test func growthFactor() {
        #expect(BaselineRule.growth(old: 0.01, new: 0.04) == 4)
        #expect(BaselineRule.growth(old: 0, new: 0.04) == .infinity)
        #expect(BaselineRule.growth(old: 0, new: 0) == 1)
    }
}

@Suite struct BaselineComparisonTests {
    func errors(_ caseID: String, _ tensor: String, _ toBound: Double, ratio: Double? = nil) -> TensorErrors {
        TensorErrors(caseID: caseID, tensor: tensor, maxAbs: toBound * 1e-5, maxRel: toBound, maxErrorToBound: toBound,
                     accuracyRatio: ratio)
    }

    var baseline: ErrorBaseline {
        ErrorBaseline([
            errors("a.h5/one", "x", 0.01, ratio: 1.0), errors("a.h5/one", "y", 0), errors("a.h5/two", "z", 0.2),
            errors("b.h5/three", "w", 0.05),
        ])
    }

    @Test func anUnchangedRunPasses() {
        let run = baseline.records
        let c = BaselineComparison(baseline: baseline, run: run, coveredCases: ["a.h5/one", "a.h5/two", "b.h5/three"], complete: true)
        #expect(c.passed)
        #expect(c.compared == 4 && c.regressions.isEmpty && c.improvements.isEmpty && c.added.isEmpty && c.removed.isEmpty)
    }

    @Test func aGrownTensorFailsNamingCaseTensorAndFactor() {
        var run = baseline.records
        run[0] = errors("a.h5/one", "x", 0.04, ratio: 4.0)
        let c = BaselineComparison(baseline: baseline, run: run, coveredCases: ["a.h5/one", "a.h5/two", "b.h5/three"], complete: true)
        #expect(!c.passed)
        #expect(c.regressions.count == 1)
        #expect(c.regressions[0].factor == 4)
        #expect(c.regressions[0].description.contains("a.h5/one x"))
        #expect(c.regressions[0].description.contains("4x"))
        #expect(c.lines.contains { $0.hasPrefix("baseline: GREW a.h5/one x") })
        #expect(c.accuracyWorse.count == 1)
    }

    @Test func improvementsAddedAndRemovedAreNamed() {
        let run = [errors("a.h5/one", "x", 0.001), errors("a.h5/one", "y", 0), errors("a.h5/one", "new", 0.1),
                   errors("a.h5/two", "z", 0.2)]
        let c = BaselineComparison(baseline: baseline, run: run, coveredCases: ["a.h5/one", "a.h5/two"], complete: false)
        #expect(c.improvements.isEmpty)   // x: 0.01 -> 0.001 is 10x, but 0.009 of the bound is under the floor
        #expect(c.added.map(\.tensor) == ["new"])
        #expect(c.removed.isEmpty)   // b.h5/three was not covered by this (partial) run
        #expect(c.passed)
        let improved = BaselineComparison(
            baseline: baseline, run: [errors("a.h5/two", "z", 0.05)], coveredCases: ["a.h5/two"], complete: false)
        #expect(improved.improvements.count == 1 && improved.passed)
    }

    @Test func aCompleteRunMissingATensorFails() {
        let run = baseline.records.filter { $0.caseID != "b.h5/three" }
        let partial = BaselineComparison(baseline: baseline, run: run, coveredCases: ["a.h5/one", "a.h5/two"], complete: false)
        #expect(partial.passed)
        let complete = BaselineComparison(baseline: baseline, run: run, coveredCases: ["a.h5/one", "a.h5/two"], complete: true)
        #expect(!complete.passed)
        #expect(complete.removed.map(\.caseID) == ["b.h5/three"])
    }
}

@Suite struct ErrorBaselineFileTests {
    @Test func writesSortedRoundedJSONAndReadsItBack() throws {
        let records = [
            TensorErrors(caseID: "b.h5/z", tensor: "t", maxAbs: 1.23456e-7, maxRel: .infinity, maxErrorToBound: 0.0123456),
            TensorErrors(caseID: "a.h5/y", tensor: "u", maxAbs: 0, maxRel: 0, maxErrorToBound: 0,
                         swiftError64: 2e-8, referenceError64: 1e-8, accuracyRatio: 2),
        ]
        let baseline = ErrorBaseline(records)
        let text = try baseline.json()
        #expect(text.range(of: "a.h5/y")!.lowerBound < text.range(of: "b.h5/z")!.lowerBound)
        #expect(text.contains("\"maxErrorToBound\" : 0.0123,") || text.contains("\"maxErrorToBound\" : 0.0123\n"))
        #expect(text.contains("\"inf\""))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try baseline.write(to: path)
        let read = try ErrorBaseline.read(path)
        #expect(read == baseline)
        #expect(read.entries[TensorErrors.Key(caseID: "a.h5/y", tensor: "u")]?.accuracyRatio == 2)
        #expect(try read.json() == text)   // a rewrite changes no line
    }

    @Test func aMissingOrMalformedFileIsAnErrorNamingIt() throws {
        #expect(throws: BaselineError.self) { try ErrorBaseline.read("/nonexistent/errors.json") }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"format\": 7, \"rule\": \"\", \"cases\": {}}".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try ErrorBaseline.read(path)
            Issue.record("format 7 was accepted")
        } catch {
            #expect(error.description.contains(path) && error.description.contains("format 7"))
        }
    }
}
