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
    /// The outputs written, in this order (the replay computes rnn_out, hn, cn).
    var outputs = ["rnn_out", "hn", "cn"]
    /// Any further change, on the root and the case group, after everything else is written.
    var edit: ((_ root: HDF5Group, _ group: HDF5Group) throws -> Void)?

    static let values: [String: (shape: [Int], values: [Double])] = [
        "hn": ([1, 1, 1], [0.22583794062474571]),
        "cn": ([1, 1, 1], [0.34452346420796226]),
    ]

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
            _ = try inputs.createDataset(inputName, shape: [1, 2, 1], values: x.map(Float.init))
        } else {
            _ = try put(inputs, inputName, [1, 2, 1], x)
        }
        _ = try put(inputs, "h0", [1, 1, 1], [0.5])
        _ = try put(inputs, "c0", [1, 1, 1], [-0.25])
        let params = try group.createGroup("params", trackCreationOrder: true)
        _ = try put(params, "rnn.weight_ih_l0", weightIHShape, Array([0.1, 0.2, 0.3, 0.4, 0, 0, 0, 0].prefix(weightIHShape.reduce(1, *))))
        _ = try put(params, "rnn.weight_hh_l0", [4, 1], [0.5, -0.5, 0.25, 1.0])
        _ = try put(params, "rnn.bias_ih_l0", [4], [0.0, 0.1, 0.0, -0.1])
        _ = try put(params, "rnn.bias_hh_l0", [4], [0.05, 0.0, -0.05, 0.0])
        if extraParameter { _ = try put(params, "rnn.weight_ih_l1", [4, 1], [0.0, 0, 0, 0]) }
        let outputGroup = try group.createGroup("outputs", trackCreationOrder: true)
        for output in outputs {
            if output == "rnn_out" {
                let out = try put(outputGroup, "rnn_out", [1, 2, 1], rnnOut)
                for (key, value) in outputAttributes { try out.writeAttribute(key, [value], shape: []) }
            } else if let (shape, values) = Self.values[output] {
                _ = try put(outputGroup, output, shape, values)
            }
        }
        if let extraOutput { _ = try put(outputGroup, extraOutput, [1], [0.0]) }
        try edit?(root, group)
        return path
    }
}

extension TinyFixture {
    /// A floating dataset in the case's dtype.
    func put(_ group: HDF5Group, _ name: String, _ shape: [Int], _ values: [Double]) throws -> HDF5Dataset {
        dtype == "float32"
            ? try group.createDataset(name, shape: shape, values: values.map(Float.init))
            : try group.createDataset(name, shape: shape, values: values)
    }
}
