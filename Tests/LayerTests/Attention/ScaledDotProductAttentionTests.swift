import Layers
import Testing
import Tensors

@Suite struct ScaledDotProductAttentionTests {
    let sdpa = ScaledDotProductAttention<Double>()

    @Test func threeDimensionalByHand() throws {
        // Q = [[1, 0], [0, 2]], K = [[1, 0], [0, 1], [1, 1]], V = [1, 2, 4]; d_K = 2.
        //   scores row 0 = [1, 0, 1] / sqrt(2), row 1 = [0, 2, 2] / sqrt(2)
        //   with a = e^(1/sqrt 2): attention row 0 = [a, 1, a] / (2a + 1), out = (5a + 2) / (2a + 1)
        //   with b = e^(sqrt 2):   attention row 1 = [1, b, b] / (2b + 1), out = (6b + 1) / (2b + 1)
        let out = try sdpa(
            Tensor(shape: [1, 2, 2], scalars: [1, 0, 0, 2]),
            Tensor(shape: [1, 3, 2], scalars: [1, 0, 0, 1, 1, 1]),
            Tensor(shape: [1, 3, 1], scalars: [1, 2, 4]))
        let r = 1 / Double.sqrt(2)
        let (a, b) = (Double.exp(r), Double.exp(2 * r))
        expectClose(out.scores, [r, 0, r, 0, 2 * r, 2 * r], shape: [1, 2, 3])
        expectClose(out.attention, [a, 1, a].map { $0 / (2 * a + 1) } + [1, b, b].map { $0 / (2 * b + 1) }, shape: [1, 2, 3])
        expectClose(out.out, [(5 * a + 2) / (2 * a + 1), (6 * b + 1) / (2 * b + 1)], shape: [1, 2, 1])
    }

    @Test func fourDimensionalInputsAreHeadsSideBySide() throws {
        // The notebook's 4-D cell: (N, n_head, n, d) runs every (batch, head) pair as its own 3-D attention.
        let (n, heads, nQ, nK, dK, dV) = (2, 3, 4, 5, 6, 2)
        let q = ramp([n, heads, nQ, dK], 0.37)
        let k = ramp([n, heads, nK, dK], 0.11)
        let v = ramp([n, heads, nK, dV], 0.53)
        let four = try sdpa(q, k, v)
        #expect(four.scores.shape == [n, heads, nQ, nK])
        #expect(four.out.shape == [n, heads, nQ, dV])
        let three = try sdpa(
            q.reshaped([n * heads, nQ, dK]), k.reshaped([n * heads, nK, dK]), v.reshaped([n * heads, nK, dV]))
        expectClose(four.attention, three.attention.scalars, shape: [n, heads, nQ, nK])
        expectClose(four.out, three.out.scalars, shape: [n, heads, nQ, dV])
    }

    @Test func scaleIsTheSquareRootOfKsLastDimension() throws {
        // One query, one key, d_K = 9: the score is (q . k) / 3.
        let out = try sdpa(
            Tensor(shape: [1, 1, 9], repeating: 1), Tensor(shape: [1, 1, 9], repeating: 2),
            Tensor(shape: [1, 1, 1], scalars: [7]))
        #expect(out.scores.scalars == [6])
        #expect(out.attention.scalars == [1])
        #expect(out.out.scalars == [7])
    }

    @Test func blockedScoresAreMinusOneBillionAndAFullyBlockedRowIsUniform() throws {
        // Row 0 blocks key 1; row 1 blocks every key: -1e9 everywhere, so softmax gives 1/3 each, not NaN
        // (the notebook fills with -1e9, not -inf), and out is the mean of V.
        let keep = Tensor<Bool>(shape: [1, 2, 3], scalars: [true, false, true, false, false, false])
        let out = try sdpa(
            Tensor(shape: [1, 2, 2], scalars: [1, 0, 0, 1]),
            Tensor(shape: [1, 3, 2], scalars: [1, 0, 0, 1, 1, 1]),
            Tensor(shape: [1, 3, 1], scalars: [3, 6, 12]), mask: keep)
        #expect(out.scores.scalars[1] == -1e9)
        #expect(Array(out.scores.scalars[3...]) == [-1e9, -1e9, -1e9])
        #expect(out.attention.scalars[1] == 0)
        let third: Double = 1.0 / 3
        #expect(Array(out.attention.scalars[3...]) == [third, third, third])
        let finite = out.attention.scalars.allSatisfy { $0.isFinite }
        #expect(finite)
        #expect(abs(out.out.scalars[1] - 7) < 1e-14)

        let float = try ScaledDotProductAttention<Float>()(
            Tensor(shape: [1, 1, 2], scalars: [1, 0]), Tensor(shape: [1, 4, 2], repeating: 1),
            Tensor(shape: [1, 4, 1], scalars: [1, 2, 3, 4]), mask: Tensor(shape: [1, 1, 4], repeating: false))
        #expect(float.attention.scalars == [0.25, 0.25, 0.25, 0.25])
        #expect(float.out.scalars == [2.5])
    }

    @Test func aMaskBroadcastsLikeMaskedFill() throws {
        // A padding mask (N, 1, n_K) repeats over the queries; the same mask written out in full gives the same result.
        let (q, k, v) = (ramp([2, 3, 4], 0.3), ramp([2, 5, 4], 0.7), ramp([2, 5, 2], 0.9))
        let lengths = [5, 2]
        let padding = Tensor<Bool>(shape: [2, 1, 5], scalars: (0..<10).map { $0 % 5 < lengths[$0 / 5] })
        let full = Tensor<Bool>(shape: [2, 3, 5], scalars: (0..<30).map { $0 % 5 < lengths[$0 / 15] })
        let broadcast = try sdpa(q, k, v, mask: padding)
        let written = try sdpa(q, k, v, mask: full)
        #expect(broadcast.scores == written.scores)
        #expect(broadcast.out == written.out)
        #expect(broadcast.attention[1, 2, 2] == 0)
    }

    @Test func mismatchedShapesAreLayerErrors() throws {
        let q = ramp([2, 3, 4], 0.1)
        #expect(throws: LayerError.self) { try sdpa(q, ramp([2, 5, 3], 0.2), ramp([2, 5, 2], 0.3)) }  // d_K
        #expect(throws: LayerError.self) { try sdpa(q, ramp([2, 5, 4], 0.2), ramp([2, 6, 2], 0.3)) }  // n_V != n_K
        #expect(throws: LayerError.self) { try sdpa(q, ramp([1, 5, 4], 0.2), ramp([1, 5, 2], 0.3)) }  // batch
        #expect(throws: LayerError.self) {
            try sdpa(q, ramp([2, 5, 4], 0.2), ramp([2, 5, 2], 0.3), mask: Tensor(shape: [2, 3, 4], repeating: true))
        }
    }
}

/// A deterministic tensor with varied values: element i is sin(i * step).
func ramp(_ shape: [Int], _ step: Double) -> Tensor<Double> {
    Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { Double.sin(Double($0) * step) })
}

/// Expects `actual` to have `shape` and every element within `tolerance` of `expected`, naming the first miss.
func expectClose(
    _ actual: Tensor<Double>, _ expected: [Double], shape: [Int], tolerance: Double = 1e-14,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.shape == shape, sourceLocation: sourceLocation)
    guard actual.count == expected.count else {
        Issue.record("\(actual.count) elements, expected \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    if let i = actual.scalars.indices.first(where: { !(abs(actual.scalars[$0] - expected[$0]) <= tolerance) }) {
        Issue.record(
            "element \(actual.index(ofOffset: i)): \(actual.scalars[i]) vs expected \(expected[i]) (tolerance \(tolerance))",
            sourceLocation: sourceLocation)
    }
}
