public import Fixtures
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What one fixture file gave: its provenance and manifest status, and its cases' results (or the error row that
/// stands for the whole file when it could not be read, or when its child process crashed or timed out).
public struct FileReport: Sendable, Codable {
    public var file: String
    /// The file's root attributes: `notebook`, `generator`, `seed`, `torch_version`, ...
    public var provenance: [String: String]
    /// `verified`, `not listed` or `no manifest` (nil when the file could not be checked).
    public var manifest: FixtureFileCheck.ManifestStatus?
    public var sha256: String?
    public var cases: [CaseResult]
    /// `file.h5/case` of every case in the file (`replay --list`), filled in list mode.
    public var identifiers: [String]

    public init(file: String, provenance: [String: String] = [:], manifest: FixtureFileCheck.ManifestStatus? = nil,
                sha256: String? = nil, cases: [CaseResult] = [], identifiers: [String] = []) {
        self.file = file
        self.provenance = provenance
        self.manifest = manifest
        self.sha256 = sha256
        self.cases = cases
        self.identifiers = identifiers
    }

    /// The work a child process does for one file: check it, read its provenance, list or run its cases.
    public static func make(file: String, filter: String?, listOnly: Bool, only: Set<String>? = nil) -> FileReport {
        var report = FileReport(file: file)
        do {
            let verified = try FixtureFileCheck.check(file)
            report.manifest = verified.manifest
            report.sha256 = verified.sha256
            report.provenance = try FixtureLoader.provenance(of: file)
            if listOnly {
                let base = (file as NSString).lastPathComponent
                report.identifiers = try FixtureLoader.caseNames(in: file).map { "\(base)/\($0)" }
                return report
            }
        } catch {
            report.cases = [ConformanceRunner.failure(file: file, caseName: nil, error)]
            report.identifiers = [(file as NSString).lastPathComponent]
            return report
        }
        report.cases = ConformanceRunner.run(file: file, filter: filter, only: only)
        return report
    }
}

/// Runs each fixture file in a child process of the same executable (`replay --worker FILE`), up to `jobs` at a
/// time, each with a time limit: a crash or hang inside libhdf5 (or a trap anywhere) becomes one error row for
/// that file while the other files run. Files are checked in this process first (regular, readable, manifest),
/// so no child ever opens a FIFO or a corrupted committed fixture.
public struct IsolatedRunner: Sendable {
    /// The command that runs one file: the executable and its leading arguments; `FILE` and the output path are
    /// appended as `--worker FILE --worker-output PATH [--filter F] [--list]`.
    public var worker: [String]
    /// Seconds a child may take before it is killed.
    public var timeout: Double
    /// Children at a time.
    public var jobs: Int

    public init(worker: [String], timeout: Double = 600, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.worker = worker
        self.timeout = timeout
        self.jobs = max(1, jobs)
    }

    /// Every file of `paths` (folders searched for `.h5`), each in its own child; reports in file order. With
    /// `only` (a shard's case identifiers), a file runs only those of its cases, and not at all when it has none.
    public func run(paths: [String], filter: String?, listOnly: Bool = false, only: Set<String>? = nil) -> [FileReport] {
        let (files, missing) = ConformanceRunner.fixtureFiles(in: paths)
        var reports = missing.filter { only?.contains(($0 as NSString).lastPathComponent) ?? true }.map { path in
            FileReport(
                file: path,
                cases: [ConformanceRunner.failure(file: path, caseName: nil, FixtureError(file: path, kind: "file", "no such file or folder"))],
                identifiers: [(path as NSString).lastPathComponent])
        }
        let results = Results(count: files.count)
        let next = Counter()
        let done = DispatchGroup()
        let runner = self
        for _ in 0..<min(jobs, files.count) {
            done.enter()
            Thread.detachNewThread {
                while let i = next.take(below: files.count) {
                    results.set(i, runner.runChild(files[i], filter: filter, listOnly: listOnly, only: only))
                }
                done.leave()
            }
        }
        done.wait()
        reports += results.all
        return reports
    }

    private func runChild(_ file: String, filter: String?, listOnly: Bool, only: Set<String>?) -> FileReport {
        let base = (file as NSString).lastPathComponent
        // A shard: this file's cases in it, or the file itself when it could not be listed.
        let cases = only.map { only in only.filter { $0.hasPrefix(base + "/") }.map { String($0.dropFirst(base.count + 1)) } }
        if let only, cases!.isEmpty, !only.contains(base) { return FileReport(file: file) }
        // Checked here first: a FIFO, a dangling link or a corrupted committed fixture never reaches a child.
        do {
            _ = try FixtureFileCheck.check(file)
        } catch {
            return FileReport(file: file, cases: [ConformanceRunner.failure(file: file, caseName: nil, error)],
                              identifiers: [(file as NSString).lastPathComponent])
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replay-worker-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("report.json")
        let errors = folder.appendingPathComponent("stderr.txt")
        var arguments = worker + ["--worker", file, "--worker-output", output.path]
        if let filter { arguments += ["--filter", filter] }
        if listOnly { arguments.append("--list") }
        for name in (cases ?? []).sorted() { arguments += ["--worker-case", name] }
        let termination = ChildProcess.run(arguments, stdout: "/dev/null", stderr: errors.path, timeout: timeout)
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        let lines = stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let lastLine = lines.first(where: { $0.contains("Fatal error") }) ?? lines.last
        let status: Int32
        switch termination {
        case .failedToStart(let reason):
            return crashed(file, filter, kind: "crash", "cannot start the worker process \(worker[0]): \(reason)")
        case .timedOut:
            return crashed(file, filter, kind: "timeout",
                           "the replay of this file did not finish within \(Self.seconds(timeout)) s and was stopped "
                               + "(a hang, e.g. libhdf5 looping on a corrupted file); the other files ran")
        case .signaled(let signal):
            return crashed(file, filter, kind: "crash",
                           "the replay of this file crashed (signal \(signal), \(Self.signalName(signal))); the other files ran"
                               + (lastLine.map { " (last message: \($0))" } ?? ""))
        case .exited(let code):
            status = code
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        guard let data = try? Data(contentsOf: output), let report = try? decoder.decode(FileReport.self, from: data) else {
            return crashed(file, filter, kind: "crash",
                           "the replay of this file exited with status \(status) without a report"
                               + (lastLine.map { " (last message: \($0))" } ?? ""))
        }
        return report
    }

    private func crashed(_ file: String, _ filter: String?, kind: String, _ message: String) -> FileReport {
        let base = (file as NSString).lastPathComponent
        var report = FileReport(file: file, identifiers: [base])
        // With a filter, the row stands for the file when the filter could match one of its cases.
        if filter == nil || base.contains(filter!) || filter!.hasPrefix(base + "/") || "\(base)/".contains(filter!) {
            report.cases = [ConformanceRunner.failure(file: file, caseName: nil, FixtureError(file: file, kind: kind, message))]
        }
        return report
    }

    static func seconds(_ x: Double) -> String { x == x.rounded() ? "\(Int(x))" : "\(x)" }

    static func signalName(_ signal: Int32) -> String {
        switch signal {
        case SIGSEGV: "SIGSEGV, a memory fault: most likely libhdf5 on a corrupted file"
        case SIGILL: "SIGILL, a Swift runtime trap: a check in a layer that this file's content reaches"
        case SIGTRAP: "SIGTRAP, a Swift runtime trap: a check in a layer that this file's content reaches"
        case SIGABRT: "SIGABRT, an abort"
        case SIGBUS: "SIGBUS, a bus error"
        case SIGFPE: "SIGFPE, an arithmetic fault"
        case SIGKILL: "SIGKILL, killed"
        default: "signal \(signal)"
        }
    }
}

/// The next index to work on, shared by the worker threads.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}

/// The reports by file index, filled by the worker threads.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [FileReport?]
    init(count: Int) { reports = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ report: FileReport) { lock.withLock { reports[i] = report } }
    var all: [FileReport] { lock.withLock { reports.compactMap { $0 } } }
}
