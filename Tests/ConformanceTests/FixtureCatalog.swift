import Fixtures
import Foundation
import Report
import Testing

/// A case in a committed fixture file, as a test argument.
struct CaseReference: Sendable, CustomTestStringConvertible {
    var file: String
    var name: String
    /// Set when the file's case list could not even be read: the test for it fails with this message.
    var loadError: String?

    var testDescription: String { "\((file as NSString).lastPathComponent)/\(name)" }
}

/// The committed fixtures, found from this source file's location (tests only read them).
enum FixtureCatalog {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var fixturesFolder: String { packageRoot.appendingPathComponent("fixtures").path }

    /// Every case of every `.h5` file in `fixtures/`.
    static func allCases() -> [CaseReference] {
        let (files, _) = ConformanceRunner.fixtureFiles(in: [fixturesFolder])
        return files.flatMap { file -> [CaseReference] in
            do {
                return try FixtureLoader.caseNames(in: file).map { CaseReference(file: file, name: $0) }
            } catch {
                return [CaseReference(file: file, name: "(file)", loadError: "\(error)")]
            }
        }
    }
}
