import ArgumentParser
import Baseline
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

    @Option(help: "Run only shard I of N (e.g. 2/3): case identifiers sorted, every N-th from the I-th (docs/GATE.md).")
    var shard: String?

    @Option(help: "Compare every tensor's errors with this error baseline; fail when one grew beyond the rule.")
    var baseline: String?

    @Option(help: "Write this run's tensor errors as the error baseline (refused when the run fails).")
    var writeBaseline: String?

    @Option(help: "Write a JUnit XML report (one test case per fixture case) to this file.")
    var junit: String?

    @Option(help: "Write a markdown summary for a pull request to this file.")
    var markdown: String?

    func run() throws {
        let paths = paths.isEmpty ? ["fixtures"] : paths
        if writeBaseline != nil && (filter != nil || shard != nil) {
            throw ValidationError("--write-baseline needs a complete run (no --filter, no --shard)")
        }
        var including: Set<String>?
        if let shard {
            do {
                including = Set(try CaseShard(parsing: shard).select(ConformanceRunner.caseIdentifiers(in: paths)))
            } catch {
                throw ValidationError(error.description)
            }
        }
        let results = ConformanceRunner.run(paths: paths, filter: filter, including: including)
        let gate = try compareWithBaseline(results, complete: filter == nil && shard == nil)
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
        if let gate { FileHandle.standardError.write(Data((gate.lines.joined(separator: "\n") + "\n").utf8)) }
        try write(JUnitReport.xml(results, baseline: gate), to: junit)
        try write(MarkdownReport.markdown(results, baseline: gate), to: markdown)
        if results.isEmpty {
            FileHandle.standardError.write(Data("replay: no case matched\n".utf8))
            throw ExitCode(1)
        }
        if results.contains(where: { $0.status != .passed }) || gate?.passed == false {
            if writeBaseline != nil {
                FileHandle.standardError.write(Data("replay: the run failed, the error baseline was not written\n".utf8))
            }
            throw ExitCode(1)
        }
        if let writeBaseline {
            try ErrorBaseline(results.flatMap(\.tensorErrors)).write(to: writeBaseline)
            FileHandle.standardError.write(Data("replay: wrote the error baseline \(writeBaseline)\n".utf8))
        }
    }

    /// The run against `--baseline`, when given.
    private func compareWithBaseline(_ results: [CaseResult], complete: Bool) throws -> BaselineComparison? {
        guard let baseline else { return nil }
        let stored: ErrorBaseline
        do {
            stored = try ErrorBaseline.read(baseline)
        } catch {
            FileHandle.standardError.write(Data("replay: \(error)\n".utf8))
            throw ExitCode(1)
        }
        return BaselineComparison(
            baseline: stored, run: results.flatMap(\.tensorErrors), coveredCases: Set(results.map(\.identifier)),
            complete: complete)
    }

    private func write(_ text: String, to path: String?) throws {
        guard let path else { return }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            FileHandle.standardError.write(Data("replay: cannot write \(path): \(error.localizedDescription)\n".utf8))
            throw ExitCode(1)
        }
    }
}
