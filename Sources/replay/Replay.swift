import ArgumentParser
import Foundation
import Fixtures
import Report

/// `replay`: replays every fixture case through the Swift layers and prints the conformance table.
@main
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay PyTorch notebook fixtures through the Swift layers and compare every tensor.",
        discussion: "Exits 0 when every tensor of every case is within tolerance, 1 otherwise.")

    @Argument(help: "Fixture files or folders (default: fixtures).")
    var paths: [String] = []

    @Option(help: "Only cases whose identifier (file.h5/case) contains this text.")
    var filter: String?

    @Flag(help: "Print a machine-readable JSON report instead of the table.")
    var json = false

    @Flag(help: "Also print a torchinfo-style model summary for each case whose replay has one (lstm.classifier).")
    var summary = false

    func run() throws {
        let results = ConformanceRunner.run(paths: paths.isEmpty ? ["fixtures"] : paths, filter: filter)
        if json {
            print(try ReportFormatter.json(results))
        } else {
            print(ReportFormatter.table(results))
        }
        if summary && !json {
            for result in results where result.error == nil {
                let fixture = try FixtureLoader.loadCase(result.caseName, from: result.file)
                if let text = try ConformanceRunner.summary(of: fixture) {
                    print("\n\(result.identifier)\n\(text)")
                }
            }
        }
        if results.isEmpty {
            FileHandle.standardError.write(Data("replay: no case matched\n".utf8))
            throw ExitCode(1)
        }
        if results.contains(where: { $0.status != .passed }) { throw ExitCode(1) }
    }
}
