import Foundation
import HDF5

/// A one-unit `lstm.rnn` case written with the package's own HDF5 writer, valid as built; each bad-input test
/// changes one thing. Its expected values are the hand-checked ones of LSTMTests (torch.nn.LSTM, float64).
struct TinyFixture {
    var formatVersion: Int64? = 1
    var replay = "lstm.rnn"
    var dtype = "float64"
    var config = #"{"hidden_size": 1, "input_size": 1, "num_layers": 1}"#
    var x: [Double] = [1, 2]
    var inputName = "x"
    var weightIHShape = [4, 1]
    var extraParameter = false
    var rnnOut: [Double] = [0.059479460745161035, 0.22583794062474571]
    var extraOutput: String?
    var outputAttributes: [String: Double] = [:]
    var storeXAsFloat32 = false

    /// Writes the file into a fresh temporary folder and returns its path.
    func write(named name: String = "tiny.h5") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("replay-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        let file = try HDF5File.create(path)
        let root = try file.root
        if let formatVersion { try root.writeAttribute("format_version", [formatVersion], shape: []) }
        let group = try root.createGroup("tiny", trackCreationOrder: true)
        try group.writeStringAttribute("replay", replay)
        try group.writeStringAttribute("dtype", dtype)
        try group.writeStringAttribute("config", config)
        let inputs = try group.createGroup("inputs", trackCreationOrder: true)
        if storeXAsFloat32 {
            try inputs.createDataset(inputName, shape: [1, 2, 1], values: x.map(Float.init))
        } else {
            try inputs.createDataset(inputName, shape: [1, 2, 1], values: x)
        }
        try inputs.createDataset("h0", shape: [1, 1, 1], values: [0.5])
        try inputs.createDataset("c0", shape: [1, 1, 1], values: [-0.25])
        let params = try group.createGroup("params", trackCreationOrder: true)
        try params.createDataset("rnn.weight_ih_l0", shape: weightIHShape, values: Array([0.1, 0.2, 0.3, 0.4, 0, 0, 0, 0].prefix(weightIHShape.reduce(1, *))))
        try params.createDataset("rnn.weight_hh_l0", shape: [4, 1], values: [0.5, -0.5, 0.25, 1.0])
        try params.createDataset("rnn.bias_ih_l0", shape: [4], values: [0.0, 0.1, 0.0, -0.1])
        try params.createDataset("rnn.bias_hh_l0", shape: [4], values: [0.05, 0.0, -0.05, 0.0])
        if extraParameter { try params.createDataset("rnn.weight_ih_l1", shape: [4, 1], values: [0.0, 0, 0, 0]) }
        let outputs = try group.createGroup("outputs", trackCreationOrder: true)
        let out = try outputs.createDataset("rnn_out", shape: [1, 2, 1], values: rnnOut)
        for (key, value) in outputAttributes { try out.writeAttribute(key, [value], shape: []) }
        try outputs.createDataset("hn", shape: [1, 1, 1], values: [0.22583794062474571])
        try outputs.createDataset("cn", shape: [1, 1, 1], values: [0.34452346420796226])
        if let extraOutput { try outputs.createDataset(extraOutput, shape: [1], values: [0.0]) }
        return path
    }
}
