import ArgumentParser
import Baseline
import Foundation
import Fixtures
import Replays
import Report

/// `replay`: replays every fixture case through the Swift layers and prints the conformance table.
///
/// Each fixture file runs in a child process of this executable (`--worker`, hidden), several at a time, each
/// with a time limit, so that a crash or hang in libhdf5 on one file is one error row while the others run.
@main
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay PyTorch notebook fixtures through the Swift layers and compare every tensor.",
        discussion: """
            Exit codes: 0 every tensor of every case within tolerance (and, with --baseline, no error grown \
            beyond the baseline's rule); 1 a tensor out of tolerance or an error grown beyond the baseline (and no \
            error); 2 an unusable fixture (missing, not a regular file, corrupted, wrong schema, a replay that \
            cannot run it, a crash or timeout), bad usage, or no case matched.
            """)

    @Argument(help: "Fixture files or folders (default: fixtures).")
    var paths: [String] = []

    @Option(help: "Only cases whose identifier (file.h5/case) contains this text.")
    var filter: String?

    @Flag(help: "Print a machine-readable JSON report instead of the table.")
    var json = false

    @Flag(help: "Also print a torchinfo-style model summary for each case whose replay has one (lstm.classifier).")
    var summary = false

    @Flag(help: "List the case identifiers (file.h5/case), sorted, without running them.")
    var list = false

    @Flag(help: "Print every replay's config keys (type, default), inputs, parameters and outputs in order.")
    var describe = false

    @Option(help: "With --describe: only this family (lstm, attention, captioning_rnn, ...).")
    var family: String?

    @Option(help: "Seconds each fixture file may take before its replay is stopped.")
    var timeout: Double = 600

    @Option(help: "Fixture files replayed at a time (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

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

    @Option(help: .hidden) var worker: String?
    @Option(help: .hidden) var workerCase: [String] = []
    @Option(help: .hidden) var workerOutput: String?

    /// Usage errors exit 2 (ArgumentParser's default would be 64), as documented.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be > 0") }
        guard jobs > 0 else { throw ValidationError("--jobs must be > 0") }
        if writeBaseline != nil && (filter != nil || shard != nil) {
            throw ValidationError("--write-baseline needs a complete run (no --filter, no --shard)")
        }
        if let shard {
            do { _ = try CaseShard(parsing: shard) } catch { throw ValidationError(error.description) }
        }
        if let family, ReplayCatalog.describe(family: family) == nil {
            throw ValidationError("no family '\(family)' (families: \(ReplayCatalog.families.map(\.name).joined(separator: ", ")))")
        }
    }

    func run() throws {
        if let worker {
            try runWorker(worker)
            return
        }
        if describe {
            let families = ReplayCatalog.families.map(\.name).filter { family == nil || $0 == family }
            print(families.map { "## \($0)\n\n" + ReplayCatalog.describe(family: $0)! }.joined(separator: "\n\n"))
            return
        }
        let runner = IsolatedRunner(worker: [Self.executablePath()], timeout: timeout, jobs: jobs)
        let paths = paths.isEmpty ? ["fixtures"] : paths
        var only: Set<String>?
        if let shard {
            // The shard is chosen from every case identifier, listed by the children, before any case runs.
            let listed = runner.run(paths: paths, filter: nil, listOnly: true).flatMap(\.identifiers)
            only = Set(try CaseShard(parsing: shard).select(listed))
        }
        let reports = runner.run(paths: paths, filter: filter, listOnly: list, only: only)
        if list {
            let identifiers = reports.flatMap(\.identifiers).filter { filter == nil || $0.contains(filter!) }.sorted()
            identifiers.forEach { print($0) }
            for error in reports.flatMap(\.cases).compactMap(\.error) {
                FileHandle.standardError.write(Data("ERROR \(error)\n".utf8))
            }
            throw ExitCode(reports.contains { !$0.cases.isEmpty } ? 2 : (identifiers.isEmpty ? 2 : 0))
        }
        let results = reports.flatMap(\.cases)
        if json {
            print(try ReportFormatter.json(results, files: reports))
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
        let gate = try compareWithBaseline(results, complete: filter == nil && shard == nil)
        if let gate { FileHandle.standardError.write(Data((gate.lines.joined(separator: "\n") + "\n").utf8)) }
        try write(JUnitReport.xml(results, baseline: gate), to: junit)
        try write(MarkdownReport.markdown(results, baseline: gate), to: markdown)
        if results.isEmpty {
            FileHandle.standardError.write(Data("replay: no case matched\n".utf8))
        }
        var code = ReportFormatter.exitCode(results)
        if code == 0 && gate?.passed == false { code = 1 }
        if let writeBaseline {
            guard code == 0 else {
                FileHandle.standardError.write(Data("replay: the run failed, the error baseline was not written\n".utf8))
                throw ExitCode(code)
            }
            try ErrorBaseline(results.flatMap(\.tensorErrors)).write(to: writeBaseline)
            FileHandle.standardError.write(Data("replay: wrote the error baseline \(writeBaseline)\n".utf8))
        }
        throw ExitCode(code)
    }

    /// The run against `--baseline`, when given; an unreadable baseline is bad usage (exit 2).
    private func compareWithBaseline(_ results: [CaseResult], complete: Bool) throws -> BaselineComparison? {
        guard let baseline else { return nil }
        let stored: ErrorBaseline
        do {
            stored = try ErrorBaseline.read(baseline)
        } catch {
            FileHandle.standardError.write(Data("replay: \(error)\n".utf8))
            throw ExitCode(2)
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
            throw ExitCode(2)
        }
    }

    /// The child's work: one file, its report written as JSON to `--worker-output`.
    private func runWorker(_ file: String) throws {
        guard let workerOutput else { throw ValidationError("--worker needs --worker-output") }
        let report = FileReport.make(
            file: file, filter: filter, listOnly: list,
            only: workerCase.isEmpty ? nil : Set(workerCase.map { "\((file as NSString).lastPathComponent)/\($0)" }))
        try ReportFormatter.encoder().encode(report).write(to: URL(fileURLWithPath: workerOutput))
    }

    /// This executable, for its children.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
