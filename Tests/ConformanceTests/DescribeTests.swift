import Foundation
import Replays
import Testing

/// `replay --describe` and docs/replays/*.md say the same: each family page embeds its declarations between
/// `<!-- describe:begin -->` and `<!-- describe:end -->` (regenerate with `replay --describe --family NAME`).
@Suite struct DescribeTests {
    @Test(arguments: ReplayCatalog.families.map(\.name))
    func theFamilyPageAgreesWithTheDeclarations(_ family: String) throws {
        let page = FixtureCatalog.packageRoot.appendingPathComponent("docs/replays/\(family).md")
        let text = try String(contentsOf: page, encoding: .utf8)
        let begin = try #require(text.range(of: "<!-- describe:begin -->\n"), "docs/replays/\(family).md has no describe block")
        let end = try #require(text.range(of: "\n<!-- describe:end -->", range: begin.upperBound..<text.endIndex))
        let documented = String(text[begin.upperBound..<end.lowerBound])
        let declared = "## \(family)\n\n" + ReplayCatalog.describe(family: family)!
        #expect(documented == declared, "docs/replays/\(family).md disagrees with `replay --describe --family \(family)`")
    }

}
