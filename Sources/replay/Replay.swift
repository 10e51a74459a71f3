import ArgumentParser
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
            Exit codes: 0 every tensor of every case within tolerance; 1 a tensor out of tolerance (and no \
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

    @Option(help: .hidden) var worker: String?
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
        let reports = runner.run(paths: paths.isEmpty ? ["fixtures"] : paths, filter: filter, listOnly: list)
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
        if results.isEmpty {
            FileHandle.standardError.write(Data("replay: no case matched\n".utf8))
        }
        throw ExitCode(ReportFormatter.exitCode(results))
    }

    /// The child's work: one file, its report written as JSON to `--worker-output`.
    private func runWorker(_ file: String) throws {
        guard let workerOutput else { throw ValidationError("--worker needs --worker-output") }
        let report = FileReport.make(file: file, filter: filter, listOnly: list)
        try ReportFormatter.encoder().encode(report).write(to: URL(fileURLWithPath: workerOutput))
    }

    /// This executable, for its children.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
