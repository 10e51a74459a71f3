import Layers
import Testing
import Tensors

@Suite struct MultiHeadedAttentionTests {
    /// d_feat = 4, two heads of 2, every Linear the identity with zero bias: the intermediates are easy to follow.
    func identityAttention(dFeat: Int = 4, nHead: Int = 2, p: Double = 0.5) throws -> MultiHeadedAttention<Double> {
        let eye = Tensor<Double>(shape: [dFeat, dFeat], scalars: (0..<(dFeat * dFeat)).map { $0 / dFeat == $0 % dFeat ? 1 : 0 })
        let lin = Linear(weight: eye, bias: Tensor(shape: [dFeat], repeating: 0))
        return try MultiHeadedAttention(dFeat: dFeat, nHead: nHead, dropoutP: p, linQ: lin, linK: lin, linV: lin, linO: lin)
    }

    // Q = [1, 2, 3, 4] (one query); K = [[1, 0, 0, 1], [0, 1, 1, 0]] (two keys); V = [[1, 10, 100, 1000], [2, 20, 200, 2000]].
    // Head 0 sees Q [1, 2], K [[1, 0], [0, 1]], V [[1, 10], [2, 20]]; head 1 sees Q [3, 4], K [[0, 1], [1, 0]],
    // V [[100, 1000], [200, 2000]]. Raw q.k: head 0 [1, 2], head 1 [4, 3].
    let q = Tensor<Double>(shape: [1, 1, 4], scalars: [1, 2, 3, 4])
    let k = Tensor<Double>(shape: [1, 2, 4], scalars: [1, 0, 0, 1, 0, 1, 1, 0])
    let v = Tensor<Double>(shape: [1, 2, 4], scalars: [1, 10, 100, 1000, 2, 20, 200, 2000])

    func softmax(_ a: Double, _ b: Double) -> [Double] {
        let m = max(a, b)
        let (ea, eb) = (Double.exp(a - m), Double.exp(b - m))
        return [ea / (ea + eb), eb / (ea + eb)]
    }

    @Test func scoresAreDividedBySqrtDFeatNotSqrtDHead() throws {
        // sqrt(d_feat) = sqrt(4) = 2 (the notebook's quirk); sqrt(d_head) = sqrt(2) would give [0.71, 1.41, 2.83, 2.12].
        let out = try identityAttention()(q, k, v)
        #expect(out.scores.shape == [1, 2, 1, 2])
        #expect(out.scores.scalars == [0.5, 1, 2, 1.5])
    }

    @Test func splitsAndMergesFollowViewThenPermute() throws {
        // Q_feat (1, 2, 4) = [[1..4], [5..8]] -> Q_split (1, 2 heads, 2, 2) = head 0 [[1, 2], [5, 6]], head 1 [[3, 4], [7, 8]].
        let x = Tensor<Double>(shape: [1, 2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let out = try identityAttention()(x, x, x)
        #expect(out.qFeat == x)
        #expect(out.qSplit.shape == [1, 2, 2, 2])
        #expect(out.qSplit.scalars == [1, 2, 5, 6, 3, 4, 7, 8])
        #expect(out.kSplit == out.qSplit)
        #expect(out.vSplit == out.qSplit)
        #expect(out.xRsh1.shape == [1, 2, 2, 2])
        #expect(out.xRsh1 == out.xRaw.permuted([0, 2, 1, 3]))
        #expect(out.xRsh2 == out.xRsh1.reshaped([1, 2, 4]))
        #expect(out.x == out.xRsh2)  // lin_O is the identity
        #expect(out.named.map(\.0) == [
            "Q_feat", "K_feat", "V_feat", "Q_split", "K_split", "V_split",
            "scores", "attention", "x_raw", "x_rsh1", "x_rsh2", "x",
        ])
    }

    @Test func evalModeIsAttentionTimesVSplit() throws {
        let out = try identityAttention()(q, k, v)
        let (h0, h1) = (softmax(0.5, 1), softmax(2, 1.5))
        expectClose(out.attention, h0 + h1, shape: [1, 2, 1, 2])
        let expected = [h0[0] * 1 + h0[1] * 2, h0[0] * 10 + h0[1] * 20, h1[0] * 100 + h1[1] * 200, h1[0] * 1000 + h1[1] * 2000]
        expectClose(out.xRaw, expected, shape: [1, 2, 1, 2], tolerance: 1e-12)
        expectClose(out.x, expected, shape: [1, 1, 4], tolerance: 1e-12)
    }

    @Test func attentionIsReturnedBeforeDropoutAndXRawAfterIt() throws {
        // p = 0.5; the recorded mask drops key 0 of head 0 only, the kept weights are doubled.
        let keep = Tensor<Bool>(shape: [1, 2, 1, 2], scalars: [false, true, true, true])
        let out = try identityAttention(p: 0.5)(q, k, v, dropoutMask: keep)
        let (h0, h1) = (softmax(0.5, 1), softmax(2, 1.5))
        expectClose(out.attention, h0 + h1, shape: [1, 2, 1, 2])  // rows still sum to 1: no dropout in here
        let expected = [2 * h0[1] * 2, 2 * h0[1] * 20, 2 * (h1[0] * 100 + h1[1] * 200), 2 * (h1[0] * 1000 + h1[1] * 2000)]
        expectClose(out.xRaw, expected, shape: [1, 2, 1, 2], tolerance: 1e-12)
        expectClose(out.x, expected, shape: [1, 1, 4], tolerance: 1e-12)
    }

    @Test func aDropoutMaskOfTheWrongShapeIsALayerError() throws {
        let layer = try identityAttention()
        #expect(throws: LayerError.self) { try layer(q, k, v, dropoutMask: Tensor(shape: [1, 2, 2, 1], repeating: true)) }
    }

    @Test func aQueryRowBlockedEntirelyIsUniformNotNaN() throws {
        // mask (N, 1, 1, n_K) blocking both keys: every score is -1e9, the softmax is [1/2, 1/2] in each head.
        let out = try identityAttention()(q, k, v, mask: Tensor(shape: [1, 1, 1, 2], repeating: false))
        #expect(out.scores.scalars == [-1e9, -1e9, -1e9, -1e9])
        #expect(out.attention.scalars == [0.5, 0.5, 0.5, 0.5])
        #expect(out.x.scalars == [1.5, 15, 150, 1500])
    }

    @Test func aPaddingMaskBlocksKeysInEveryHead() throws {
        // mask (N, 1, 1, n_K) = [1, 0]: only key 0 is seen, so each head copies V's first row.
        let out = try identityAttention()(q, k, v, mask: Tensor(shape: [1, 1, 1, 2], scalars: [true, false]))
        #expect(out.scores.scalars == [0.5, -1e9, 2, -1e9])
        #expect(out.attention.scalars == [1, 0, 1, 0])
        #expect(out.x.scalars == [1, 10, 100, 1000])
        #expect(throws: LayerError.self) { try identityAttention()(q, k, v, mask: Tensor(shape: [1, 3], repeating: true)) }
    }

    @Test func dFeatNotDivisibleByNHeadIsALayerError() throws {
        let error = #expect(throws: LayerError.self) { try MultiHeadedAttention<Float>.headSize(dFeat: 10, nHead: 3) }
        #expect(error?.layer == "MultiHeadedAttention")
        #expect(error?.message.contains("divisible") == true)
        // Building from a state_dict fails the same way, before any parameter is looked at.
        #expect(throws: LayerError.self) {
            var store = ParameterStore<Float>([:])
            _ = try MultiHeadedAttention<Float>(dFeat: 10, nHead: 3, dropoutP: 0.1, parameters: &store)
        }
        #expect(throws: LayerError.self) { try identityAttention(dFeat: 6, nHead: 4) }
        #expect(try MultiHeadedAttention<Float>.headSize(dFeat: 200, nHead: 5) == 40)
    }

    @Test func loadsTheNotebooksStateDictKeysStrictly() throws {
        func stateDict(bias: Bool, except missing: String? = nil) -> [String: Tensor<Float>] {
            var d: [String: Tensor<Float>] = [:]
            for name in ["lin_Q", "lin_K", "lin_V", "lin_O"] {
                d["\(name).weight"] = Tensor(shape: [6, 6], repeating: 0.1)
                if bias { d["\(name).bias"] = Tensor(shape: [6], repeating: 0) }
            }
            if let missing { d[missing] = nil }
            return d
        }
        var store = ParameterStore(stateDict(bias: true))
        let layer = try MultiHeadedAttention<Float>(dFeat: 6, nHead: 3, dropoutP: 0.1, parameters: &store)
        try store.finish()
        #expect(layer.dHead == 2)
        #expect(layer.parameterCount == 4 * (36 + 6))

        var noBias = ParameterStore(stateDict(bias: false))
        _ = try MultiHeadedAttention<Float>(dFeat: 6, nHead: 3, useBias: false, dropoutP: 0.1, parameters: &noBias)
        try noBias.finish()

        var missing = ParameterStore(stateDict(bias: true, except: "lin_O.bias"))
        #expect(throws: ParameterError.missing(key: "lin_O.bias", expectedShape: [6])) {
            _ = try MultiHeadedAttention<Float>(dFeat: 6, nHead: 3, dropoutP: 0.1, parameters: &missing)
        }
    }
}
