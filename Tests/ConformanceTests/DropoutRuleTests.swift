import Fixtures
import Foundation
import HDF5
import Report
import Testing

/// docs/FIXTURES.md "Dropout": a case records a dropout mask exactly when the layer ran in train mode with p > 0.
/// With p = 0 (or in eval mode) dropout is the identity, no mask is recorded and none is accepted. Checked on a
/// tiny `captioning_transformer.positional_encoding` case (every family reads its masks the same way).
@Suite struct DropoutRuleTests {
    /// x (1, 2, 2) + pe, with `p`, `train` and an optional `dropout.positional_encoding` mask.
    func tinyCase(p: Double, train: Bool, mask: [UInt8]?) throws -> CaseResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dropout-rule-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("rule.h5").path
        let file = try HDF5File.create(path)
        let root = try file.root
        try root.writeAttribute("format_version", [Int64(1)], shape: [])
        let group = try root.createGroup("rule", trackCreationOrder: true)
        try group.writeStringAttribute("replay", "captioning_transformer.positional_encoding")
        try group.writeStringAttribute("dtype", "float64")
        try group.writeStringAttribute("config", #"{"embed_dim": 2, "max_len": 2, "p": \#(p), "train": \#(train)}"#)
        let x: [Double] = [1, 2, 3, 4]
        let pe: [Double] = [0, 1, Double(Float.sin(1)), Double(Float.cos(1))]
        let inputs = try group.createGroup("inputs", trackCreationOrder: true)
        try inputs.createDataset("x", shape: [1, 2, 2], values: x)
        if let mask { try inputs.createDataset("dropout.positional_encoding", shape: [1, 2, 2], values: mask) }
        let params = try group.createGroup("params", trackCreationOrder: true)
        try params.createDataset("pe", shape: [1, 2, 2], values: pe)
        let outputs = try group.createGroup("outputs", trackCreationOrder: true)
        let sum = zip(x, pe).map { $0 + $1 }
        try outputs.createDataset("x_plus_pe", shape: [1, 2, 2], values: sum)
        let kept = mask.map { m in zip(sum, m).map { $1 == 0 ? 0 : $0 / (1 - p) } } ?? sum
        try outputs.createDataset("output", shape: [1, 2, 2], values: kept)
        return ConformanceRunner.run(try FixtureLoader.loadCase("rule", from: path))
    }

    @Test func trainWithPZeroRecordsNoMaskAndIsTheIdentity() throws {
        let result = try tinyCase(p: 0, train: true, mask: nil)
        #expect(result.error == nil, "\(result.error ?? "")")
        #expect(result.comparisons.count == 2 && result.comparisons.allSatisfy(\.passed))
    }

    @Test func aMaskIsRefusedWhenDropoutIsOff() throws {
        for (p, train) in [(0.0, true), (0.1, false)] {
            let result = try tinyCase(p: p, train: train, mask: [1, 1, 1, 1])
            #expect(result.error?.contains("dropout is off") == true, "p \(p), train \(train): \(result.error ?? "no error")")
        }
    }

    @Test func aMaskIsRequiredWhenDropoutIsOn() throws {
        let missing = try tinyCase(p: 0.5, train: true, mask: nil)
        #expect(missing.error?.contains("records no 'dropout.positional_encoding' mask") == true, "\(missing.error ?? "no error")")
        let given = try tinyCase(p: 0.5, train: true, mask: [1, 0, 0, 1])
        #expect(given.error == nil && given.comparisons.allSatisfy(\.passed), "\(given.error ?? "")")
    }
}
