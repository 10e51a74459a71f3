public import Tensors

extension MultiHeadedAttention {
    /// The gradients of `MultiHeadedAttention.forward` given `dx = dL/dx` (its last output), named as the notebook's
    /// intermediates and `state_dict` keys.
    public struct Gradients: Sendable {
        /// `(N, n_head, n_Q, d_head)`, `(N, n_head, n_K, d_head)`, `(N, n_head, n_Q, n_K)` (twice),
        /// `(N, n_head, n_Q, d_head)`, `(N, n_head, n_K, d_head)`.
        public var xRaw: Tensor<S>
        public var vSplit: Tensor<S>
        public var attention: Tensor<S>
        public var scores: Tensor<S>
        public var qSplit: Tensor<S>
        public var kSplit: Tensor<S>
        /// The four Linear layers' gradients; `dx` of each is the gradient of its input (`Q`, `K`, `V`, `x_rsh2`).
        public var linO: Linear<S>.Gradients
        public var linV: Linear<S>.Gradients
        public var linK: Linear<S>.Gradients
        public var linQ: Linear<S>.Gradients

        /// `(name, gradient)` in the order backpropagation reaches them: `lin_O.*`, the intermediates, `lin_V.*`,
        /// `lin_K.*`, `lin_Q.*` (biases only when the layer has them), then the inputs `Q`, `K`, `V`.
        public var named: [(String, Tensor<S>)] {
            var out: [(String, Tensor<S>)] = []
            func linear(_ name: String, _ g: Linear<S>.Gradients) {
                out.append(("\(name).weight", g.dWeight))
                if let db = g.dBias { out.append(("\(name).bias", db)) }
            }
            linear("lin_O", linO)
            out += [
                ("x_raw", xRaw), ("V_split", vSplit), ("attention", attention), ("scores", scores),
                ("Q_split", qSplit), ("K_split", kSplit),
            ]
            linear("lin_V", linV)
            linear("lin_K", linK)
            linear("lin_Q", linQ)
            out += [("Q", linQ.dx), ("K", linK.dx), ("V", linV.dx)]
            return out
        }
    }

    /// The backward pass, from the forward's saved intermediates (`trace`) and its inputs:
    ///
    ///     lin_O:      dW_O = dx^T x_rsh2,  db_O = sum dx,  dx_rsh2 = dx W_O
    ///     dx_raw      = dx_rsh2.view(N, n_Q, n_head, d_head).permute(0, 2, 1, 3)
    ///     dV_split    = dropout(attention)^T dx_raw
    ///     dattention  = dropout'(dx_raw V_split^T) = (dx_raw V_split^T) * mask / (1 - p)
    ///     dscores     = attention * (dattention - sum_j dattention * attention)      (softmax backward)
    ///     dqk         = dscores, 0 where the mask blocked the score (masked_fill backward; `scores` is after the fill)
    ///     dQ_split    = dqk K_split / sqrt(d_feat),  dK_split = dqk^T Q_split / sqrt(d_feat)
    ///     d*_feat     = d*_split.permute(0, 2, 1, 3).view(N, n, d_feat), then each lin_* backward
    ///
    /// `mask` and `dropoutMask` are those of the forward pass. Shapes as in `callAsFunction`; `dx: (N, n_Q, d_feat)`.
    public func backward(
        _ dx: Tensor<S>, trace: Trace, q: Tensor<S>, k: Tensor<S>, v: Tensor<S>, mask: Tensor<Bool>? = nil,
        dropoutMask: Tensor<Bool>? = nil
    ) throws(LayerError) -> Gradients {
        let layer = "MultiHeadedAttention"
        try LayerError.check(layer, "backward: dx", dx, is: trace.x.shape)
        let n = q.shape[0]
        let linO = try self.linO.backward(dx, x: trace.xRsh2)
        let dxRaw = linO.dx.reshaped([n, -1, nHead, dHead]).permuted([0, 2, 1, 3])
        let dropped = try dropout(trace.attention, mask: dropoutMask)
        let dvSplit = dropped.transposedLastTwo().matmul(dxRaw)
        let dDropped = dxRaw.matmul(trace.vSplit, transposeOther: true)
        let dAttention = try dropout(dDropped, mask: dropoutMask)  // the same mask and scale: dropout is linear
        var dScores = dAttention
        let width = dScores.shape.last ?? 1
        trace.attention.scalars.withUnsafeBufferPointer { a in
            dScores.scalars.withUnsafeMutableBufferPointer { g in
                for start in stride(from: 0, to: g.count, by: width) {
                    var dot: S = 0
                    for j in start..<(start + width) { dot += g[j] * a[j] }
                    for j in start..<(start + width) { g[j] = a[j] * (g[j] - dot) }
                }
            }
        }
        // `scores` is the notebook's tensor after masked_fill; the fill's backward zeroes what flows on to Q K^T.
        var dUnmasked = dScores
        if let mask {
            guard let blocked = dScores.filled(0, whereNot: mask) else {
                throw LayerError(layer, "mask has shape \(mask.shape), which does not broadcast to the scores' \(dScores.shape)")
            }
            dUnmasked = blocked
        }
        let scale = S(k.shape[k.rank - 1]).squareRoot()   // sqrt(d_feat), the forward's divisor
        let dScaled = dUnmasked / scale
        let dqSplit = dScaled.matmul(trace.kSplit)
        let dkSplit = dScaled.transposedLastTwo().matmul(trace.qSplit)
        let merge = { (t: Tensor<S>) in t.permuted([0, 2, 1, 3]).reshaped([n, -1, self.dFeat]) }
        return Gradients(
            xRaw: dxRaw, vSplit: dvSplit, attention: dAttention, scores: dScores, qSplit: dqSplit, kSplit: dkSplit,
            linO: linO, linV: try linV.backward(merge(dvSplit), x: v), linK: try linK.backward(merge(dkSplit), x: k),
            linQ: try linQ.backward(merge(dqSplit), x: q))
    }
}
