import Layers
import Testing
import Tensors

/// The backward passes against central finite differences in float64, independent of PyTorch: for a loss
/// `L = <G, output>` with a fixed `G`, every analytic gradient element is compared with `(L(p + h) - L(p - h)) / 2h`.
@Suite struct BackwardFiniteDifferenceTests {
    /// A deterministic, irregular sequence of values in about [-scale, scale].
    static func values(_ count: Int, seed: Double, scale: Double = 0.5) -> [Double] {
        (0..<count).map { scale * Double.sin(seed + 1.7 * Double($0) + 0.3 * Double($0 * $0 % 7)) }
    }

    static func lstmParameters(input: Int, hidden: Int, layers: Int) -> [String: Tensor<Double>] {
        var p: [String: Tensor<Double>] = [:]
        for k in 0..<layers {
            let width = k == 0 ? input : hidden
            p["weight_ih_l\(k)"] = Tensor(shape: [4 * hidden, width], scalars: values(4 * hidden * width, seed: Double(k) + 0.1))
            p["weight_hh_l\(k)"] = Tensor(shape: [4 * hidden, hidden], scalars: values(4 * hidden * hidden, seed: Double(k) + 0.2))
            p["bias_ih_l\(k)"] = Tensor(shape: [4 * hidden], scalars: values(4 * hidden, seed: Double(k) + 0.3))
            p["bias_hh_l\(k)"] = Tensor(shape: [4 * hidden], scalars: values(4 * hidden, seed: Double(k) + 0.4))
        }
        return p
    }

    @Test func lstmBackwardMatchesFiniteDifferences() throws {
        let (n, length, input, hidden, layers) = (2, 3, 2, 3, 2)
        let parameters = Self.lstmParameters(input: input, hidden: hidden, layers: layers)
        let x = Tensor<Double>(shape: [n, length, input], scalars: Self.values(n * length * input, seed: 5, scale: 1))
        let h0 = Tensor<Double>(shape: [layers, n, hidden], scalars: Self.values(layers * n * hidden, seed: 6))
        let c0 = Tensor<Double>(shape: [layers, n, hidden], scalars: Self.values(layers * n * hidden, seed: 7))
        let gOut = Tensor<Double>(shape: [n, length, hidden], scalars: Self.values(n * length * hidden, seed: 8, scale: 1))
        let gH = Tensor<Double>(shape: [layers, n, hidden], scalars: Self.values(layers * n * hidden, seed: 9, scale: 1))
        let gC = Tensor<Double>(shape: [layers, n, hidden], scalars: Self.values(layers * n * hidden, seed: 10, scale: 1))
        func lstm(_ p: [String: Tensor<Double>]) throws -> LSTM<Double> {
            var store = ParameterStore(p)
            return try LSTM<Double>(inputSize: input, hiddenSize: hidden, numLayers: layers, parameters: &store, prefix: "")
        }
        func loss(_ p: [String: Tensor<Double>], _ x: Tensor<Double>, _ h0: Tensor<Double>, _ c0: Tensor<Double>) throws -> Double {
            let out = try lstm(p)(x, h0: h0, c0: c0)
            return (out.output * gOut).sum() + (out.hn * gH).sum() + (out.cn * gC).sum()
        }
        let model = try lstm(parameters)
        let tape = try model.forwardForTraining(x, h0: h0, c0: c0)
        #expect(tape.output.output == (try model(x, h0: h0, c0: c0)).output)
        let grads = try model.backward(tape, dOutput: gOut, dhn: gH, dcn: gC)
        let step = 1e-6
        func numeric(_ perturb: (Double) throws -> Double) rethrows -> Double {
            (try perturb(step) - (try perturb(-step))) / (2 * step)
        }
        for (key, analytic) in grads.named(prefix: "") {
            for i in 0..<analytic.count {
                let estimate = try numeric { h in
                    var p = parameters
                    p[key]!.scalars[i] += h
                    return try loss(p, x, h0, c0)
                }
                #expect(abs(analytic.scalars[i] - estimate) < 1e-7, "\(key)[\(i)]: \(analytic.scalars[i]) vs \(estimate)")
            }
        }
        for (name, analytic, base) in [("x", grads.dx, x), ("h0", grads.dh0, h0), ("c0", grads.dc0, c0)] {
            for i in 0..<base.count {
                let estimate = try numeric { h in
                    var t = base
                    t.scalars[i] += h
                    return try loss(parameters, name == "x" ? t : x, name == "h0" ? t : h0, name == "c0" ? t : c0)
                }
                #expect(abs(analytic.scalars[i] - estimate) < 1e-7, "\(name)[\(i)]: \(analytic.scalars[i]) vs \(estimate)")
            }
        }
    }

    @Test func multiHeadedAttentionBackwardMatchesFiniteDifferences() throws {
        let (n, nQ, nK, dFeat, nHead) = (2, 3, 4, 6, 2)
        var parameters: [String: Tensor<Double>] = [:]
        for (i, name) in ["lin_Q", "lin_K", "lin_V", "lin_O"].enumerated() {
            parameters["\(name).weight"] = Tensor(shape: [dFeat, dFeat], scalars: Self.values(dFeat * dFeat, seed: Double(i)))
            parameters["\(name).bias"] = Tensor(shape: [dFeat], scalars: Self.values(dFeat, seed: Double(i) + 0.5))
        }
        let q = Tensor<Double>(shape: [n, nQ, dFeat], scalars: Self.values(n * nQ * dFeat, seed: 11, scale: 1))
        let k = Tensor<Double>(shape: [n, nK, dFeat], scalars: Self.values(n * nK * dFeat, seed: 12, scale: 1))
        let v = Tensor<Double>(shape: [n, nK, dFeat], scalars: Self.values(n * nK * dFeat, seed: 13, scale: 1))
        // Key 3 of the second batch is padding; the dropout mask drops a few attention weights (p = 0.25).
        let mask = Tensor<Bool>(shape: [n, 1, 1, nK], scalars: [true, true, true, true, true, true, true, false])
        let keep = Tensor<Bool>(shape: [n, nHead, nQ, nK], scalars: (0..<(n * nHead * nQ * nK)).map { $0 % 5 != 2 })
        let g = Tensor<Double>(shape: [n, nQ, dFeat], scalars: Self.values(n * nQ * dFeat, seed: 14, scale: 1))
        func layer(_ p: [String: Tensor<Double>]) throws -> MultiHeadedAttention<Double> {
            var store = ParameterStore(p)
            return try MultiHeadedAttention<Double>(dFeat: dFeat, nHead: nHead, dropoutP: 0.25, parameters: &store)
        }
        func loss(_ p: [String: Tensor<Double>], _ q: Tensor<Double>, _ k: Tensor<Double>, _ v: Tensor<Double>) throws -> Double {
            (try layer(p)(q, k, v, mask: mask, dropoutMask: keep).x * g).sum()
        }
        let model = try layer(parameters)
        let trace = try model(q, k, v, mask: mask, dropoutMask: keep)
        let grads = try model.backward(g, trace: trace, q: q, k: k, v: v, mask: mask, dropoutMask: keep)
        let step = 1e-6
        for (name, analytic) in grads.named {
            for i in 0..<analytic.count {
                func at(_ h: Double) throws -> Double {
                    var (p, qq, kk, vv) = (parameters, q, k, v)
                    switch name {
                    case "Q": qq.scalars[i] += h
                    case "K": kk.scalars[i] += h
                    case "V": vv.scalars[i] += h
                    default:
                        guard p[name] != nil else { return 0 }   // an intermediate: checked through the parameters
                        p[name]!.scalars[i] += h
                    }
                    return try loss(p, qq, kk, vv)
                }
                guard ["Q", "K", "V"].contains(name) || parameters[name] != nil else { continue }
                let estimate = (try at(step) - (try at(-step))) / (2 * step)
                #expect(abs(analytic.scalars[i] - estimate) < 1e-7, "\(name)[\(i)]: \(analytic.scalars[i]) vs \(estimate)")
            }
        }
    }
}
