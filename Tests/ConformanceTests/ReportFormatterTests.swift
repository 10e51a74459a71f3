import Comparison
import Foundation
import Report
import Testing
import Tensors

@Suite struct ReportFormatterTests {
    func result(_ name: String, actual: [Float], expected: [Float], error: String? = nil) -> CaseResult {
        let comparison = TensorComparison.compare(
            name: "y", actual: .float32(Tensor(shape: [actual.count], scalars: actual)),
            expected: .float32(Tensor(shape: [expected.count], scalars: expected)), tolerance: .default(forDType: "float32"))
        return CaseResult(
            identifier: "f.h5/\(name)", file: "f.h5", caseName: name, replay: "lstm.rnn", dtype: "float32",
            comparisons: error == nil ? [comparison] : [], error: error)
    }

    @Test func theTableHasOneRowPerTensorAndASummaryLine() {
        let table = ReportFormatter.table([
            result("good", actual: [1, 2], expected: [1, 2]),
            result("bad", actual: [1, 3], expected: [1, 2]),
            result("broken", actual: [], expected: [], error: "f.h5: case 'broken': tensor 'inputs/x': holds 1 non-finite value(s)"),
        ])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("case"))
        #expect(lines.contains { $0.hasPrefix("f.h5/good") && $0.hasSuffix("ok") })
        #expect(lines.contains { $0.hasPrefix("f.h5/bad") && $0.contains("1 ([1]: 3 vs 2, allowed 1.26e-05)") && $0.contains("1/2 (50%)") && $0.hasSuffix("FAIL") })
        #expect(lines.contains { $0.hasPrefix("ERROR f.h5: case 'broken': tensor 'inputs/x'") })
        #expect(lines.last == "replay: 1 passed, 2 failed (3 cases, 1 with errors; 1/2 tensors within tolerance; 0 of 0 computed tensors checked)")
    }

    @Test func jsonCarriesStatusAndWritesNaNAsAString() throws {
        let text = try ReportFormatter.json([result("nan", actual: [.nan], expected: [1])])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(document["passed"] as? Bool == false)
        let cases = try #require(document["cases"] as? [[String: Any]])
        #expect(cases.first?["status"] as? String == "failed")
        let comparison = try #require((cases.first?["comparisons"] as? [[String: Any]])?.first)
        #expect(comparison["maxAbsError"] as? String == "nan")
        #expect(comparison["passed"] as? Bool == false)
        #expect(comparison["maxErrorToBound"] as? String == "inf")
        #expect(document["exitCode"] as? Int == 1)
    }

    @Test func anEmptyRunIsNotAPass() throws {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(try ReportFormatter.json([]).utf8)) as? [String: Any])
        #expect(document["passed"] as? Bool == false)
        #expect(ReportFormatter.exitCode([]) == 2)
    }
}
