import Fixtures
import Foundation
import HDF5
import Report
import Testing

/// Corrupted fixtures, generated at test time from a committed one, replayed by the built `replay` executable:
/// each gives exit 2 and one message naming the file, never a crash, a hang or a pass.
@Suite(.serialized) struct CorruptedFixtureTests {
    static let source = "cs231n_rnn.h5"

    /// A fresh folder holding a copy of the committed fixture, edited by `corrupt`, with the committed manifest when
    /// `withManifest` (then the file is a listed, committed fixture).
    func corrupted(withManifest: Bool, _ corrupt: (inout [UInt8]) -> Void) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("corrupted-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var bytes = [UInt8](try Data(contentsOf: FixtureCatalog.packageRoot.appendingPathComponent("fixtures/\(Self.source)")))
        corrupt(&bytes)
        let path = folder.appendingPathComponent(Self.source).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if withManifest {
            try FileManager.default.copyItem(
                atPath: FixtureCatalog.packageRoot.appendingPathComponent("fixtures/MANIFEST.sha256").path,
                toPath: folder.appendingPathComponent("MANIFEST.sha256").path)
        }
        return path
    }

    /// Expects exit 2 and an error naming `path`.
    func expectUnusable(_ path: String, mentioning text: String? = nil, timeout: Int = 60) throws {
        let outcome = try ReplayExecutable.run([path, "--timeout", "\(timeout)"])
        #expect(outcome.status == 2, "exit \(outcome.status): \(outcome.all)")
        #expect(outcome.stdout.contains("ERROR \(path)"), "\(outcome.all)")
        if let text { #expect(outcome.all.contains(text), "\(outcome.all)") }
    }

    enum Corruption: String, CaseIterable, Sendable {
        case truncatedToTenth, truncatedToHalf, truncatedByOneByte, flippedBitEarly, flippedBitMiddle, flippedBitLate
        case zeroedSuperblock, zeroedBlockEarly, zeroedBlockMiddle
        /// 1 KiB zeroed at 4096: in cs231n_rnn.h5 (Dec 2026) Debian's libhdf5 1.10 loops forever there.
        case zeroedKiBAt4096

        func apply(_ bytes: inout [UInt8]) {
            let n = bytes.count
            switch self {
            case .truncatedToTenth: bytes.removeLast(n - n / 10)
            case .truncatedToHalf: bytes.removeLast(n - n / 2)
            case .truncatedByOneByte: bytes.removeLast()
            case .flippedBitEarly: bytes[700] ^= 0x10
            case .flippedBitMiddle: bytes[n / 2] ^= 0x01       // a low-order bit: invisible to libhdf5
            case .flippedBitLate: bytes[n - 100] ^= 0x01
            case .zeroedSuperblock: for i in 0..<512 { bytes[i] = 0 }
            case .zeroedBlockEarly: for i in 2048..<6144 { bytes[i] = 0 }
            case .zeroedBlockMiddle: for i in (n / 3)..<(n / 3 + 4096) { bytes[i] = 0 }
            case .zeroedKiBAt4096: for i in 4096..<5120 { bytes[i] = 0 }
            }
        }
    }

    /// A committed fixture corrupted on disk: the manifest catches every corruption before libhdf5 parses it.
    @Test(arguments: Corruption.allCases)
    func aCorruptedCommittedFixtureIsOneLineBeforeLibhdf5(_ corruption: Corruption) throws {
        let path = try corrupted(withManifest: true) { corruption.apply(&$0) }
        try expectUnusable(path, mentioning: "corrupted file: its SHA-256")
    }

    /// A user's own file (no manifest) corrupted where libhdf5 reads structure: an error row, never a crash of the
    /// run; libhdf5 crashes or hangs there become `crash` / `timeout` rows.
    @Test(arguments: [Corruption.truncatedToTenth, .truncatedToHalf, .truncatedByOneByte, .zeroedSuperblock, .zeroedBlockEarly,
                      .flippedBitEarly, .zeroedKiBAt4096])
    func aCorruptedUnlistedFixtureIsAnErrorNotACrash(_ corruption: Corruption) throws {
        let path = try corrupted(withManifest: false) { corruption.apply(&$0) }
        // A hang in libhdf5 (zeroedKiBAt4096) is stopped at the limit: one `timeout` row naming the file.
        try expectUnusable(path, timeout: 10)
    }

    /// Corruption in tensor data of an unlisted file cannot be told from a real value by libhdf5: the run must
    /// still end, with a verdict (a mismatch, or the values' own check) and never a signal.
    @Test(arguments: [Corruption.flippedBitMiddle, .flippedBitLate, .zeroedBlockMiddle])
    func corruptedDataInAnUnlistedFixtureNeverTakesTheRunDown(_ corruption: Corruption) throws {
        let path = try corrupted(withManifest: false) { corruption.apply(&$0) }
        let outcome = try ReplayExecutable.run([path, "--timeout", "60"])
        #expect([0, 1, 2].contains(outcome.status), "exit \(outcome.status): \(outcome.all)")
        #expect(outcome.stdout.contains("replay: "), "\(outcome.all)")
    }

    @Test func aHugeDeclaredShapeIsRefusedBeforeAllocating() throws {
        var fixture = TinyFixture()
        fixture.edit = { _, group in _ = try group.group("inputs").createDataset("probe", shape: [3, 7, 11], values: [Double](repeating: 0.5, count: 231)) }
        let path = try fixture.write()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        // The dataspace stores dims (and max dims) as little-endian 64-bit integers: 3, 7, 11.
        let pattern: [UInt8] = [3, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 11, 0, 0, 0, 0, 0, 0, 0]
        var patched = 0
        for i in 0...(bytes.count - pattern.count) where Array(bytes[i..<i + pattern.count]) == pattern {
            bytes[i + 8] = 0; bytes[i + 13] = 1   // 7 -> 2^40
            patched += 1
        }
        #expect(patched >= 1)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try expectUnusable(path, mentioning: "inputs/probe")
        let outcome = try ReplayExecutable.run([path])
        #expect(outcome.stdout.contains("more than the file can hold") || outcome.stdout.contains("HDF5"), "\(outcome.all)")
    }

    @Test func aDanglingLinkIsNamedAsSuch() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dangling-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let link = folder.appendingPathComponent("lstm.h5").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.appendingPathComponent("gone.h5").path)
        try expectUnusable(link, mentioning: "dangling symbolic link")
    }

    @Test func aFIFOIsNeverOpened() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString).h5").path
        #expect(mkfifo(path, 0o600) == 0)
        try expectUnusable(path, mentioning: "FIFO (named pipe)")
    }

    @Test func aFolderGivenAsAFixtureFileIsNamed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("folder-\(UUID().uuidString).h5").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(throws: FixtureError.self) { try FixtureFileCheck.check(folder) }
    }

    @Test(.enabled(if: geteuid() != 0, "root reads every file"))
    func anUnreadableFileIsPermissionDenied() throws {
        let path = try TinyFixture().write()
        chmod(path, 0)
        try expectUnusable(path, mentioning: "permission denied")
    }

    @Test func theCommittedManifestListsEveryFixtureWithItsSHA256() throws {
        let manifest = try FixtureFileCheck.manifest(at: FixtureCatalog.fixturesFolder + "/MANIFEST.sha256")
        let (files, _) = ConformanceRunner.fixtureFiles(in: [FixtureCatalog.fixturesFolder])
        #expect(Set(manifest.keys) == Set(files.map { ($0 as NSString).lastPathComponent }))
        for file in files {
            #expect(try FixtureFileCheck.check(file).manifest == .verified, "\(file)")
        }
    }

    @Test func sha256MatchesTheFIPSVectors() {
        #expect(SHA256.hex(of: []) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(of: Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(of: Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}
