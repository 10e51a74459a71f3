/// A summary of a model in the manner of `torchinfo.summary`: each layer's output shape and parameter count.
public struct ModelSummary: Sendable, CustomStringConvertible {
    public struct Row: Sendable {
        public var name: String
        public var depth: Int
        public var outputShape: [Int]
        public var parameterCount: Int

        public init(name: String, depth: Int, outputShape: [Int], parameterCount: Int) {
            self.name = name
            self.depth = depth
            self.outputShape = outputShape
            self.parameterCount = parameterCount
        }
    }

    public var model: String
    public var outputShape: [Int]
    public var layers: [Row]

    public init(model: String, outputShape: [Int], layers: [Row]) {
        self.model = model
        self.outputShape = outputShape
        self.layers = layers
    }

    /// The number of parameters in all layers (every parameter is trainable here).
    public var totalParameters: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    public var description: String {
        var lines: [(String, String, String)] = [("Layer (type:depth-idx)", "Output Shape", "Param #")]
        lines.append((model, "\(outputShape)", "--"))
        var index: [Int: Int] = [:]
        for row in layers {
            index[row.depth, default: 0] += 1
            let indent = String(repeating: "│    ", count: row.depth - 1)
            lines.append(("\(indent)├─\(row.name): \(row.depth)-\(index[row.depth]!)", "\(row.outputShape)", Self.grouped(row.parameterCount)))
        }
        let widths = (lines.map(\.0.count).max()!, lines.map(\.1.count).max()!, lines.map(\.2.count).max()!)
        let rule = String(repeating: "=", count: widths.0 + widths.1 + widths.2 + 6)
        var text = [rule]
        for (i, line) in lines.enumerated() {
            text.append(
                Self.padded(line.0, widths.0 + 3) + Self.padded(line.1, widths.1 + 3)
                    + String(repeating: " ", count: widths.2 - line.2.count) + line.2)
            if i == 0 { text.append(rule) }
        }
        text.append(rule)
        text.append("Total params: \(Self.grouped(totalParameters))")
        text.append("Trainable params: \(Self.grouped(totalParameters))")
        text.append("Non-trainable params: 0")
        text.append(rule)
        return text.joined(separator: "\n")
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// `821770` -> `"821,770"`.
    static func grouped(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}
