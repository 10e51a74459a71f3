import Foundation
import Testing

/// `fixtures/` is committed and stays under the budget issue 9 set: 48 MiB for every file in it, the notebook-size
/// tier's digests included (the tier itself is built, never committed: docs/FIXTURES.md).
@Suite struct FixtureBudgetTests {
    static let budget = 48 * 1024 * 1024

    @Test func committedFixturesStayUnderTheBudget() throws {
        let folder = FixtureCatalog.fixturesFolder
        let manager = FileManager.default
        var total = 0
        var largest: [(String, Int)] = []
        for path in manager.enumerator(atPath: folder)?.allObjects as? [String] ?? [] {
            let attributes = try manager.attributesOfItem(atPath: (folder as NSString).appendingPathComponent(path))
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            total += size
            largest.append((path, size))
        }
        largest.sort { $0.1 > $1.1 }
        #expect(total > 0, "no file in \(folder)")
        #expect(total <= Self.budget, """
            fixtures/ holds \(total) bytes, over the \(Self.budget)-byte budget (48 MiB); largest: \
            \(largest.prefix(3).map { "\($0.0) \($0.1)" }.joined(separator: ", ")); reduce batch sizes, never layer sizes
            """)
    }
}
