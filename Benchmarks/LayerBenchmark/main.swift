// One benchmark case of the issue-12 table, timed in Swift; tools/benchmark.sh runs it next to the same case in
// PyTorch (tools/bench_layers.py), rounds interleaved. A benchmark, not a test: nothing in `swift test` uses it.
//
//   .build/release/LayerBenchmark <case> [--repeats R]
//
// Protocol on stdin/stdout (one JSON object per line), so that the driver can alternate the two sides:
//   after building the model and warming up:  {"ready": true}
//   "round"  -> runs the case once untimed, then R times          {"times_ms": [...], "cpu_ms": [...]}  (wall and process CPU time)
//   "quit"   -> peak RSS of this process       {"peak_rss_mib": ...}
// `LayerBenchmark sgemm` prints the machine's 2048^3 sgemm GFLOP/s through the BLAS the package links.
//
// The layers are called through `runGeneric`, which the optimizer may not specialize: the replays reach the layers
// through a generic `run<S: TensorScalar>` the same way, so this measures what the harness runs.
import Foundation
import Fixtures
import Layers
import Tensors

struct Random {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    mutating func uniform<S: TensorScalar>(_ shape: [Int], _ low: Double, _ high: Double) -> Tensor<S> {
        let count = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<count).map { _ in S(low + (high - low) * next()) })
    }
    mutating func indices(_ shape: [Int], below bound: Int) -> Tensor<Int64> {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Int64(next() * Double(bound)) % Int64(bound) })
    }
}

/// Builds a model whose `state_dict` is filled on demand: every key the model asks for gets random values of the
/// shape it expects (uniform in +-1/sqrt(fan-in); running variances 1; counters 0).
func build<S: TensorScalar, Model>(
    _ type: S.Type, seed: UInt64, _ make: (inout ParameterStore<S>) throws -> Model
) throws -> Model {
    var random = Random(seed: seed)
    var tensors: [String: Tensor<S>] = [:]
    var integers: [String: Tensor<Int64>] = [:]
    while true {
        var store = ParameterStore(tensors, integers: integers)
        do {
            let model = try make(&store)
            try store.finish()
            return model
        } catch let ParameterError.missing(key, shape) {
            if key.hasSuffix("num_batches_tracked") {
                integers[key] = Tensor(shape: shape, scalars: [Int64](repeating: 0, count: shape.reduce(1, *)))
            } else if key.hasSuffix("running_var") {
                tensors[key] = Tensor(shape: shape, repeating: 1)
            } else {
                let bound = 1 / Double(max(shape.last ?? 1, 1)).squareRoot()
                tensors[key] = random.uniform(shape, -bound, bound)
            }
        }
    }
}

/// One timed call of a case. `@_semantics` keeps the optimizer from specializing it: the layers see an
/// unspecialized generic caller, as in the replays.
@_semantics("optimize.sil.specialize.generic.never")
@inline(never)
func runGeneric<S: TensorScalar>(_ body: () throws -> Tensor<S>) rethrows -> S {
    try body().scalars.first ?? 0
}

/// `x + v` for every element: the AAE case's `decoded + validity[-1, 0]`, which keeps both outputs alive as the PyTorch
/// side does. Pre-specialized like the layers' entry points, so that this glue runs as fast as a layer's elementwise
/// op would (unspecialized, through value witnesses, it was a tenth of the case's time).
@_specialize(where S == Float)
@inline(never)
func addingScalar<S: TensorScalar>(_ x: Tensor<S>, _ v: S) -> Tensor<S> { x.mapScalars { $0 + v } }

func option(_ name: String, _ fallback: Int) -> Int {
    let arguments = CommandLine.arguments
    guard let i = arguments.firstIndex(of: "--\(name)"), i + 1 < arguments.count, let value = Int(arguments[i + 1])
    else { return fallback }
    return value
}

/// The peak resident set of this process image, `VmHWM` of /proc/self/status (`ru_maxrss` would also count the
/// parent's pages at fork, which is the benchmark driver's Python with torch loaded).
func peakRSSMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kib = Double(line.split(separator: " ").dropFirst().first ?? "")
    else {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
    return kib / 1024
}

func emit(_ line: String) {
    print(line)
    fflush(nil)
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// CPU time of the whole process (every thread), in nanoseconds.
func cpuNow() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}

/// A case: a closure that runs the computation once and returns one of its outputs (kept alive by the caller).
typealias Body = () throws -> Float

@_semantics("optimize.sil.specialize.generic.never")
func makeCase<S: TensorScalar>(_ name: String, _ type: S.Type) throws -> () throws -> S {
    var random = Random(seed: 12)
    switch name {
    case "lstm_b256", "lstm_b1", "lstm_b1024":
        let batch = ["lstm_b256": 256, "lstm_b1": 1, "lstm_b1024": 1024][name]!
        let lstm = try build(S.self, seed: 1) { store in
            try LSTM<S>(inputSize: 28, hiddenSize: 256, numLayers: 2, parameters: &store, prefix: "rnn.")
        }
        let x: Tensor<S> = random.uniform([batch, 28, 28], 0, 1)
        return { try runGeneric { try lstm(x).output } }
    case "mha":
        let mha = try build(S.self, seed: 2) { store in
            try MultiHeadedAttention<S>(dFeat: 200, nHead: 5, dropoutP: 0.1, parameters: &store)
        }
        let src: Tensor<S> = random.uniform([128, 32, 200], 0, 1)
        return { try runGeneric { try mha(src, src, src).x } }
    case "vit_demo", "vit_cifar":
        let demo = name == "vit_demo"
        let (channels, size, patch, emb, layers, heads) = demo ? (1, 28, 4, 16, 3, 2) : (3, 32, 4, 192, 6, 3)
        let vit = try build(S.self, seed: 3) { store in
            try VisionTransformer<S>(
                inChannels: channels, imageSize: size, patchSize: patch, embeddingSize: emb, encoderLayers: layers,
                headCount: heads, forwardFactor: 4, dropoutRatio: 0.2, classCount: 10, residual: .seed003, pooling: .cls,
                parameters: &store)
        }
        let x: Tensor<S> = random.uniform([64, channels, size, size], 0, 1)
        return { try runGeneric { try vit(x).logits } }
    case "aae":
        let (encoder, decoder, discriminator) = try build(S.self, seed: 4) { store in
            (
                try AAEEncoder<S>(inputFeatures: 1024, hidden: (512, 512), latentDim: 10, p: 0.2, parameters: &store),
                try AAEDecoder<S>(
                    latentDim: 10, hidden: (512, 512), imageShape: [1, 32, 32], p: 0.2, bnEps: 1e-5, bnMomentum: 0.1,
                    parameters: &store),
                try AAEDiscriminator<S>(latentDim: 10, hidden: (512, 256), p: 0.2, parameters: &store)
            )
        }
        let img: Tensor<S> = random.uniform([64, 1, 32, 32], -1, 1)
        let noise: Tensor<S> = random.uniform([64, 10], -2, 2)
        var decoderState = decoder
        return {
            try runGeneric {
                let encoded = try encoder(img, noise: noise, masks: (nil, nil))
                let decoded = try decoderState(encoded.z, masks: (nil, nil), batchNormTraining: true)
                let validity = try discriminator(encoded.z, masks: (nil, nil))
                return addingScalar(decoded.img, validity.last!.scalars[0])
            }
        }
    case "captioning_rnn", "captioning_lstm":
        let cell: CaptioningRNN<S>.CellType = name == "captioning_rnn" ? .rnn : .lstm
        let model = try build(S.self, seed: 5) { store in
            try CaptioningRNN<S>(
                cellType: cell, inputDim: 512, wordvecDim: 256, hiddenDim: 512, vocabSize: 1004, nullIndex: 0,
                parameters: &store)
        }
        let features: Tensor<S> = random.uniform([50, 512], -1, 1)
        var captions = random.indices([50, 17], below: 1004)
        for n in 0..<50 where n % 3 == 0 { for t in 12..<17 { captions[n, t] = 0 } }  // NULL padding
        return { try runGeneric { try model.loss(features: features, captions: captions).grads["Wx"]! } }
    case "captioning_transformer":
        let model = try build(S.self, seed: 6) { store in
            try CaptioningTransformer<S>(
                vocabularySize: 1004, inputDim: 512, wordvecDim: 256, numHeads: 4, numLayers: 2, maxLength: 50,
                dimFeedforward: 2048, p: 0.1, parameters: &store)
        }
        let features: Tensor<S> = random.uniform([50, 512], -1, 1)
        let captions = random.indices([50, 17], below: 1004)
        return { try runGeneric { try model(features: features, captions: captions).scores } }
    case "fixture_load":
        let folder = "fixtures"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".h5") }.sorted()
        return {
            var total = 0
            for file in files {
                for result in try FixtureLoader.load(folder + "/" + file) { total += (try? result.get())?.inputs.count ?? 0 }
            }
            return S(total)
        }
    default:
        throw BenchmarkError("unknown case '\(name)'")
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func sgemmPeak() {
    let n = 2048
    let a = [Float](repeating: 0.5, count: n * n)
    let b = [Float](repeating: 0.25, count: n * n)
    var c = [Float](repeating: 0, count: n * n)
    var best = Double.infinity
    for _ in 0..<6 {
        let start = now()
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    Float.gemm(
                        transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: a.baseAddress!, lda: n,
                        b: b.baseAddress!, ldb: n, beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
        best = min(best, Double(now() - start) / 1e9)
    }
    emit("{\"sgemm_2048_gflops\": \(2 * Double(n * n * n) / best / 1e9), \"library\": \"\(BLASInfo.description)\"}")
}

do {
    let arguments = CommandLine.arguments
    guard arguments.count >= 2 else { throw BenchmarkError("usage: LayerBenchmark <case> [--repeats R]") }
    if arguments[1] == "sgemm" {
        sgemmPeak()
        exit(0)
    }
    HeapPolicy.keepFreedBuffers()  // intermediates reuse the heap's pages from call to call (HeapPolicy.swift)
    let repeats = option("repeats", 5)
    let body = try makeCase(arguments[1], Float.self)
    var sink: Float = 0
    for _ in 0..<2 { sink += try body() }  // warm-up
    emit("{\"ready\": true}")
    while let line = readLine() {
        if line == "quit" { break }
        var times: [Double] = []
        var cpu: [Double] = []
        sink += try body()  // untimed: the round starts warm, as the PyTorch side's does
        for _ in 0..<repeats {
            let (start, cpuStart) = (now(), cpuNow())
            sink += try body()
            times.append(Double(now() - start) / 1e6)
            cpu.append(Double(cpuNow() - cpuStart) / 1e6)
        }
        func list(_ xs: [Double]) -> String { xs.map { String(format: "%.4f", $0) }.joined(separator: ", ") }
        emit("{\"times_ms\": [\(list(times))], \"cpu_ms\": [\(list(cpu))]}")
    }
    emit("{\"peak_rss_mib\": \(peakRSSMiB()), \"checksum\": \(sink.isFinite ? Double(sink) : 0)}")
} catch {
    FileHandle.standardError.write("LayerBenchmark: \(error)\n".data(using: .utf8)!)
    exit(2)
}
