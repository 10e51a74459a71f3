import Foundation
import Report
import Testing

/// The `replay` executable end to end: 0 all passed, 1 a tensor out of tolerance, 2 an unusable fixture or bad
/// usage (README.md, `replay --help`).
@Suite(.serialized) struct ExitCodeTests {
    @Test func allPassedExitsZero() throws {
        let outcome = try ReplayExecutable.run([try TinyFixture().write()])
        #expect(outcome.status == 0, "\(outcome.all)")
        #expect(outcome.stdout.contains("replay: 1 passed, 0 failed"))
    }

    @Test func aTensorOutOfToleranceExitsOne() throws {
        let outcome = try ReplayExecutable.run([try TinyFixture(rnnOut: [0.059479460745161035, 0.2258]).write()])
        #expect(outcome.status == 1, "\(outcome.all)")
        #expect(outcome.stdout.contains("FAIL"))
    }

    @Test func anUnusableFixtureExitsTwo() throws {
        let outcome = try ReplayExecutable.run([try TinyFixture(extraParameter: true).write()])
        #expect(outcome.status == 2, "\(outcome.all)")
        #expect(outcome.stdout.contains("ERROR") && outcome.stdout.contains("rnn.weight_ih_l1"))
    }

    @Test func anErrorWinsOverAFailure() throws {
        let outcome = try ReplayExecutable.run([
            try TinyFixture(rnnOut: [0.059479460745161035, 0.2258]).write(), "/nonexistent/lstm.h5",
        ])
        #expect(outcome.status == 2, "\(outcome.all)")
    }

    @Test(arguments: [["--no-such-flag"], ["--jobs", "0"], ["--timeout", "-1"], ["--describe", "--family", "nope"]])
    func badUsageExitsTwo(_ arguments: [String]) throws {
        let outcome = try ReplayExecutable.run(arguments)
        #expect(outcome.status == 2, "\(outcome.all)")
    }

    @Test func aFilterThatMatchesNothingExitsTwoAndIsNotAPass() throws {
        let outcome = try ReplayExecutable.run([try TinyFixture().write(), "--filter", "no-such-case", "--json"])
        #expect(outcome.status == 2, "\(outcome.all)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(document["passed"] as? Bool == false)
        #expect(document["exitCode"] as? Int == 2)
    }

    @Test func jsonCarriesFormatVersionProvenanceAndStructuredErrors() throws {
        let good = try TinyFixture().write()
        let outcome = try ReplayExecutable.run([good, "/nonexistent/lstm.h5", "--json"])
        #expect(outcome.status == 2)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        #expect(document["reportFormatVersion"] as? Int == ReportFormatter.reportFormatVersion)
        let errors = try #require(document["errors"] as? [[String: Any]])
        #expect(errors.count == 1)
        #expect(errors.first?["file"] as? String == "/nonexistent/lstm.h5")
        #expect(errors.first?["kind"] as? String == "file")
        let files = try #require(document["files"] as? [[String: Any]])
        #expect(files.contains { $0["file"] as? String == good && $0["manifest"] as? String == "no manifest" })
    }

    @Test func listPrintsSortedIdentifiersWithoutRunning() throws {
        let outcome = try ReplayExecutable.run(["--list", "fixtures"])
        #expect(outcome.status == 0, "\(outcome.all)")
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        #expect(lines == lines.sorted() && lines.count == FixtureCatalog.allCases().count)
        #expect(lines.contains("lstm.h5/shape_demo_rnn"))
        #expect(lines == ConformanceRunner.caseIdentifiers(paths: [FixtureCatalog.fixturesFolder]))
    }

    @Test func aCrashingChildIsOneErrorRowAndTheOtherFilesRun() throws {
        let good = try TinyFixture().write()
        let bad = try TinyFixture().write(named: "crash.h5")
        // A worker that dies of SIGSEGV on crash.h5 and replays every other file normally.
        let script = "case \"$2\" in *crash.h5) kill -SEGV $$;; esac; exec \"\(ReplayExecutable.path)\" \"$@\""
        let runner = IsolatedRunner(worker: ["/bin/sh", "-c", script, "sh"], timeout: 120, jobs: 2)
        let results = runner.run(paths: [good, bad], filter: nil).flatMap(\.cases)
        #expect(results.count == 2)
        #expect(results.first { $0.file == good }?.status == .passed)
        let crash = try #require(results.first { $0.file == bad })
        #expect(crash.errorDetail?.kind == "crash")
        #expect(crash.error?.contains("crash.h5") == true && crash.error?.contains("SIGSEGV") == true, "\(crash.error ?? "")")
        #expect(ReportFormatter.exitCode(results) == 2)
    }

    @Test func aHangingChildIsStoppedAtTheTimeLimit() throws {
        let file = try TinyFixture().write()
        let runner = IsolatedRunner(worker: ["/bin/sh", "-c", "sleep 60", "sh"], timeout: 1, jobs: 1)
        let start = Date()
        let results = runner.run(paths: [file], filter: nil).flatMap(\.cases)
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(results.first?.errorDetail?.kind == "timeout")
        #expect(results.first?.error?.contains("did not finish within 1 s") == true)
    }
}

/// `replay --shard I/N` end to end: the children run only the shard's cases, and the shards together run every
/// committed case exactly once.
@Suite struct ShardExecutableTests {
    @Test func threeShardsRunEveryCommittedCaseExactlyOnce() throws {
        var ran: [String] = []
        for i in 1...3 {
            let outcome = try ReplayExecutable.run([FixtureCatalog.fixturesFolder, "--shard", "\(i)/3", "--json"])
            #expect(outcome.status == 0, "\(outcome.all)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
            let cases = try #require(document["cases"] as? [[String: Any]])
            ran += cases.compactMap { $0["identifier"] as? String }
        }
        let all = ConformanceRunner.caseIdentifiers(paths: [FixtureCatalog.fixturesFolder])
        #expect(ran.sorted() == all.sorted())
        #expect(Set(ran).count == ran.count)
    }
}
