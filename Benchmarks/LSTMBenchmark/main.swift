// Times the Swift LSTM forward at the notebook's sizes: a batch of 256 sequences of 28 steps of 28 inputs, hidden 256,
// two layers (boostcamp lstm.ipynb's training batch through R.rnn), float32. Run by tools/benchmark.sh next to the
// same measurement in PyTorch (tools/bench_lstm.py); a benchmark, not a test.
//
//   swift run -c release LSTMBenchmark [--batch 256] [--length 28] [--input 28] [--hidden 256] [--layers 2] [--repeats 20]
import Foundation
import Layers
import Tensors

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let i = arguments.firstIndex(of: "--\(name)"), i + 1 < arguments.count, let value = Int(arguments[i + 1]) else {
        return fallback
    }
    return value
}

let (batch, length, input, hidden, layers, repeats) = (
    option("batch", 256), option("length", 28), option("input", 28), option("hidden", 256), option("layers", 2),
    option("repeats", 20))

/// Deterministic values in [-1/sqrt(hidden), 1/sqrt(hidden)], like PyTorch's LSTM initialization.
struct Generator {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    mutating func uniform(_ count: Int, scale: Float) -> [Float] {
        (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Float(state >> 40) / Float(1 << 24) * 2 - 1) * scale
        }
    }
}
var generator = Generator()
@MainActor func uniform(_ count: Int, scale: Float) -> [Float] { generator.uniform(count, scale: scale) }

let bound = 1 / Float(hidden).squareRoot()
var tensors: [String: Tensor<Float>] = [:]
for k in 0..<layers {
    let width = k == 0 ? input : hidden
    tensors["weight_ih_l\(k)"] = Tensor(shape: [4 * hidden, width], scalars: uniform(4 * hidden * width, scale: bound))
    tensors["weight_hh_l\(k)"] = Tensor(shape: [4 * hidden, hidden], scalars: uniform(4 * hidden * hidden, scale: bound))
    tensors["bias_ih_l\(k)"] = Tensor(shape: [4 * hidden], scalars: uniform(4 * hidden, scale: bound))
    tensors["bias_hh_l\(k)"] = Tensor(shape: [4 * hidden], scalars: uniform(4 * hidden, scale: bound))
}
var store = ParameterStore(tensors)
let lstm = try LSTM<Float>(inputSize: input, hiddenSize: hidden, numLayers: layers, parameters: &store, prefix: "")
let x = Tensor<Float>(shape: [batch, length, input], scalars: uniform(batch * length * input, scale: 1).map { abs($0) })

var checksum: Float = 0
for _ in 0..<3 { checksum += try lstm(x).hn.scalars[0] }  // warm-up
var milliseconds: [Double] = []
for _ in 0..<repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    checksum += try lstm(x).hn.scalars[0]
    milliseconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
}
milliseconds.sort()
var usage = rusage()
getrusage(RUSAGE_SELF.rawValue, &usage)
print(String(
    format: "swift   LSTM forward N=%d L=%d Q=%d D=%d K=%d float32: median %.2f ms, min %.2f ms over %d runs; peak RSS %.0f MiB (checksum %.4f)",
    batch, length, input, hidden, layers, milliseconds[repeats / 2], milliseconds[0], repeats,
    Double(usage.ru_maxrss) / 1024, checksum))
