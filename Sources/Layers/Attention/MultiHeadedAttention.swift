public import Tensors

/// The notebook's `MultiHeadedAttention`: four Linear layers around a split-head scaled dot-product attention, with
/// every intermediate returned.
///
///     Q_feat, K_feat, V_feat = lin_Q(Q), lin_K(K), lin_V(V)                      (N, n, d_feat)
///     *_split   = *_feat.view(N, -1, n_head, d_head).permute(0, 2, 1, 3)         (N, n_head, n, d_head)
///     scores    = Q_split K_split^T / sqrt(d_feat)                               (N, n_head, n_Q, n_K)
///     scores    = scores.masked_fill(mask == 0, -1e9)                            when a mask is given
///     attention = softmax(scores, dim=-1)                                        returned BEFORE dropout
///     x_raw     = dropout(attention) V_split                                     (N, n_head, n_Q, d_head)
///     x_rsh1    = x_raw.permute(0, 2, 1, 3)                                      (N, n_Q, n_head, d_head)
///     x_rsh2    = x_rsh1.view(N, -1, d_feat)                                     (N, n_Q, d_feat)
///     x         = lin_O(x_rsh2)                                                  (N, n_Q, d_feat)
///
/// The quirks are the notebook's: the scale is the square root of the RAW K's last dimension (d_feat), not of d_head;
/// blocked scores become -1e9, not -inf; dropout (not in the paper) acts between the softmax and `V_split`, so the
/// returned `attention` does not show it while `x_raw` and all after it do. Its `actv` and `device` arguments are
/// unused and have no counterpart here.
/// Shapes: `Q: (N, n_Q, d_feat)`, `K, V: (N, n_K, d_feat)`; `mask` (true = attend) broadcasts to
/// `(N, n_head, n_Q, n_K)`, e.g. `(N, 1, 1, n_K)` or `(N, 1, n_Q, n_K)`; the dropout mask is `(N, n_head, n_Q, n_K)`.
/// Parameters: `lin_Q.weight`, `lin_K.weight`, `lin_V.weight`, `lin_O.weight: (d_feat, d_feat)` and the four
/// `*.bias: (d_feat)` when `useBias` (the notebook's `USE_BIAS`).
/// Matches `MultiHeadedAttention` in boostcamp `mha.ipynb`.
public struct MultiHeadedAttention<S: TensorScalar>: Sendable {
    /// Every intermediate of a forward pass, in the notebook's order (its returned dict).
    public struct Trace: Sendable {
        public var qFeat: Tensor<S>
        public var kFeat: Tensor<S>
        public var vFeat: Tensor<S>
        public var qSplit: Tensor<S>
        public var kSplit: Tensor<S>
        public var vSplit: Tensor<S>
        public var scores: Tensor<S>
        public var attention: Tensor<S>
        public var xRaw: Tensor<S>
        public var xRsh1: Tensor<S>
        public var xRsh2: Tensor<S>
        public var x: Tensor<S>

        /// The twelve tensors with the notebook's names (`Q_feat` ... `x`), in order.
        public var named: [(String, Tensor<S>)] {
            [
                ("Q_feat", qFeat), ("K_feat", kFeat), ("V_feat", vFeat),
                ("Q_split", qSplit), ("K_split", kSplit), ("V_split", vSplit),
                ("scores", scores), ("attention", attention),
                ("x_raw", xRaw), ("x_rsh1", xRsh1), ("x_rsh2", xRsh2), ("x", x),
            ]
        }
    }

    public let dFeat: Int
    public let nHead: Int
    public let dHead: Int
    public let linQ: Linear<S>
    public let linK: Linear<S>
    public let linV: Linear<S>
    public let linO: Linear<S>
    public let dropout: Dropout<S>

    /// d_head = d_feat / n_head; fails, as the notebook's constructor does, when n_head does not divide d_feat.
    public static func headSize(dFeat: Int, nHead: Int) throws(LayerError) -> Int {
        guard dFeat > 0, nHead > 0, dFeat % nHead == 0 else {
            throw LayerError("MultiHeadedAttention", "d_feat (\(dFeat)) should be divisible by n_head (\(nHead))")
        }
        return dFeat / nHead
    }

    /// Builds the layer from four `(d_feat, d_feat)` Linear layers.
    public init(
        dFeat: Int, nHead: Int, dropoutP: S, linQ: Linear<S>, linK: Linear<S>, linV: Linear<S>, linO: Linear<S>
    ) throws(LayerError) {
        dHead = try Self.headSize(dFeat: dFeat, nHead: nHead)
        for (name, lin) in [("lin_Q", linQ), ("lin_K", linK), ("lin_V", linV), ("lin_O", linO)]
        where lin.inFeatures != dFeat || lin.outFeatures != dFeat {
            throw LayerError(
                "MultiHeadedAttention", "\(name) maps \(lin.inFeatures) -> \(lin.outFeatures), expected \(dFeat) -> \(dFeat)")
        }
        self.dFeat = dFeat
        self.nHead = nHead
        self.linQ = linQ
        self.linK = linK
        self.linV = linV
        self.linO = linO
        self.dropout = Dropout(p: dropoutP)
    }

    /// Loads `lin_Q.*`, `lin_K.*`, `lin_V.*`, `lin_O.*` (weights, and biases when `useBias`). Throws a `LayerError`
    /// when n_head does not divide d_feat (before touching `parameters`), a `ParameterError` on a missing key or shape.
    public init(
        dFeat: Int, nHead: Int, useBias: Bool = true, dropoutP: S, parameters: inout ParameterStore<S>
    ) throws {
        _ = try Self.headSize(dFeat: dFeat, nHead: nHead)
        func linear(_ prefix: String) throws(ParameterError) -> Linear<S> {
            try Linear(inFeatures: dFeat, outFeatures: dFeat, bias: useBias, parameters: &parameters, prefix: prefix)
        }
        try self.init(
            dFeat: dFeat, nHead: nHead, dropoutP: dropoutP,
            linQ: try linear("lin_Q."), linK: try linear("lin_K."), linV: try linear("lin_V."), linO: try linear("lin_O."))
    }

    public var parameterCount: Int { [linQ, linK, linV, linO].reduce(0) { $0 + $1.parameterCount } }

    /// The forward pass. `dropoutMask` is the mask PyTorch drew for `self.dropout(attention)` (train mode);
    /// nil is eval mode, where dropout is the identity.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func callAsFunction(
        _ q: Tensor<S>, _ k: Tensor<S>, _ v: Tensor<S>, mask: Tensor<Bool>? = nil, dropoutMask: Tensor<Bool>? = nil
    ) throws(LayerError) -> Trace {
        let layer = "MultiHeadedAttention"
        try LayerError.check(layer, "Q", q, is: [-1, -1, dFeat])
        let n = q.shape[0]
        try LayerError.check(layer, "K", k, is: [n, -1, dFeat])
        try LayerError.check(layer, "V", v, is: [n, k.shape[1], dFeat])

        let qFeat = try linQ(q)
        let kFeat = try linK(k)
        let vFeat = try linV(v)
        let qSplit = split(qFeat, n)
        let kSplit = split(kFeat, n)
        let vSplit = split(vFeat, n)

        // Scale by sqrt of the raw K's last dimension (d_feat), not of d_head: the notebook's quirk.
        let dK = k.shape[k.rank - 1]
        let scores = try ScaledDotProductAttention<S>.scores(
            qSplit, kSplit, dividedBy: S(dK).squareRoot(), mask: mask, layer: layer)
        let attention = scores.softmaxLastAxis()
        // Dropout acts on what feeds V_split only: `attention` itself is returned as it was before dropout.
        let dropped = try dropout(attention, mask: dropoutMask)
        let xRaw = dropped.matmul(vSplit)
        let xRsh1 = xRaw.permuted([0, 2, 1, 3])
        let xRsh2 = xRsh1.reshaped([n, -1, dFeat])
        let x = try linO(xRsh2)
        return Trace(
            qFeat: qFeat, kFeat: kFeat, vFeat: vFeat, qSplit: qSplit, kSplit: kSplit, vSplit: vSplit,
            scores: scores, attention: attention, xRaw: xRaw, xRsh1: xRsh1, xRsh2: xRsh2, x: x)
    }

    /// `(N, n, d_feat) -> (N, n_head, n, d_head)`: `view(N, -1, n_head, d_head).permute(0, 2, 1, 3)`.
    private func split(_ feat: Tensor<S>, _ n: Int) -> Tensor<S> {
        feat.reshaped([n, -1, nHead, dHead]).permuted([0, 2, 1, 3])
    }
}
