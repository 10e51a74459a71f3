import Baseline
import Comparison
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Report
import Testing
import Tensors

@Suite struct CaseShardTests {
    @Test func shardsPartitionTheCasesDeterministically() throws {
        let ids = (0..<50).map { "f\($0 % 4).h5/case\($0)" }.shuffled()
        for count in 1...7 {
            let shards = try (1...count).map { try CaseShard(index: $0, count: count).select(ids) }
            #expect(shards.flatMap { $0 }.sorted() == ids.sorted())                   // every case ...
            #expect(Set(shards.flatMap { $0 }).count == ids.count)                    // ... exactly once
            #expect(shards.map(\.count).max()! - shards.map(\.count).min()! <= 1)     // balanced
            #expect(try CaseShard(index: 1, count: count).select(ids.shuffled()) == shards[0])   // order-independent
        }
    }

    @Test func theCommittedFixturesSplitIntoThreeShardsCoverEveryCaseOnce() throws {
        let ids = ConformanceRunner.caseIdentifiers(paths: [FixtureCatalog.fixturesFolder])
        #expect(ids.count == FixtureCatalog.allCases().count)
        let shards = try (1...3).map { try CaseShard(parsing: "\($0)/3").select(ids) }
        #expect(shards.flatMap { $0 }.sorted() == ids.sorted())
        #expect(Set(shards[0]).isDisjoint(with: shards[1]) && Set(shards[1]).isDisjoint(with: shards[2]))
    }

    @Test func aMalformedShardIsRefused() {
        for text in ["0/3", "4/3", "1/0", "a/b", "2", "1/2/3", "-1/2"] {
            #expect(throws: CaseShardError.self) { try CaseShard(parsing: text) }
        }
    }
}

@Suite struct GateReportTests {
    func result(_ file: String, _ name: String, actual: [Float], expected: [Float], error: String? = nil) -> CaseResult {
        let comparison = TensorComparison.compare(
            name: "y", actual: .float32(Tensor(shape: [actual.count], scalars: actual)),
            expected: .float32(Tensor(shape: [expected.count], scalars: expected)), tolerance: .default(forDType: "float32"))
        return CaseResult(
            identifier: "\(file)/\(name)", file: "fixtures/\(file)", caseName: name, replay: "lstm.rnn", dtype: "float32",
            comparisons: error == nil ? [comparison] : [], error: error)
    }

    var results: [CaseResult] {
        [result("a.h5", "good", actual: [1, 2], expected: [1, 2]),
         result("a.h5", "bad <&>", actual: [1, 3], expected: [1, 2]),
         result("b.h5", "broken", actual: [], expected: [], error: "b.h5: case 'broken': tensor 'inputs/x': \"bad\"")]
    }

    @Test func junitHasOneTestcasePerFixtureCaseWithTheFileAsClassname() throws {
        let xml = JUnitReport.xml(results)
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 3)
        #expect(xml.contains(#"<testcase classname="a.h5" name="good">"#))
        #expect(xml.contains(#"<testcase classname="a.h5" name="bad &lt;&amp;&gt;">"#))
        #expect(xml.contains(#"tests="3" failures="1" errors="1""#))
        #expect(xml.contains(#"<failure message="y [2] float32: mismatched 1 of 2 (50%); greatest abs diff 1 at [1] (swift 3 vs ref 2"#))
        #expect(xml.contains(#"<error message="b.h5: case &apos;broken&apos;: tensor &apos;inputs/x&apos;: &quot;bad&quot;" type="fixture"/>"#))
        // Well-formed: Foundation's parser reads it.
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse())
    }

    @Test func junitAndMarkdownNameTheTensorThatGrewAndItsFactor() {
        let good = results[0]
        let run = good.tensorErrors.map { e -> TensorErrors in var e = e; e.maxErrorToBound = 0.4; return e }
        let baseline = ErrorBaseline(good.tensorErrors.map { e -> TensorErrors in var e = e; e.maxErrorToBound = 0.1; return e })
        let gate = BaselineComparison(baseline: baseline, run: run, coveredCases: ["a.h5/good"], complete: false)
        let xml = JUnitReport.xml([good], baseline: gate)
        #expect(xml.contains(#"type="baseline""#) && xml.contains("GREW a.h5/good y: max error/bound 0.1 -&gt; 0.4 (4x"))
        let markdown = MarkdownReport.markdown([good], baseline: gate)
        #expect(markdown.hasPrefix("## Replay gate: FAILED"))
        #expect(markdown.contains("| `a.h5/good` | `y` | **grew** | 4x | 0.1 -> 0.4 |"))
    }

    @Test func markdownListsWhatFailed() {
        let markdown = MarkdownReport.markdown(results)
        #expect(markdown.contains("### Failed"))
        #expect(markdown.contains("| `a.h5/bad <&>` | `y` | 1 | 0.5 |"))
        #expect(markdown.contains("| `b.h5/broken` | - | error: b.h5: case 'broken'"))
        #expect(MarkdownReport.markdown([results[0]]).hasPrefix("## Replay gate: passed"))
        #expect(markdown.contains("### Closest to their tolerance") && markdown.contains("| `a.h5/good` | `y` | 0 | 0 |"))
    }
}
