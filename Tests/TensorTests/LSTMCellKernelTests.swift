import CSleef
import Testing
import Tensors

/// `TensorScalar.lstmCell`, the fused pointwise half of an LSTM step (Sources/CSleef/lstm_cell.h), computes its formula
/// with the package's own exp and tanh, bit for bit, at every row width (full vectors and padded tails), and its
/// AVX-512F and AVX2 versions agree bit for bit.
@Suite struct LSTMCellKernelTests {
    /// Pre-activations spread over the gates' useful range and beyond (saturated sigmoids, tanh of +-15), biases and
    /// cell states, from a fixed linear congruential sequence.
    static func inputs<T: TensorScalar>(_: T.Type, d: Int, seed: UInt64) -> (row: [T], bih: [T], bhh: [T], c: [T]) {
        var state = seed
        func next(_ scale: Double) -> T {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return T(Double(state >> 11) / Double(1 << 53) * 2 * scale - scale)
        }
        return ((0..<(4 * d)).map { _ in next(15) }, (0..<(4 * d)).map { _ in next(1) },
                (0..<(4 * d)).map { _ in next(1) }, (0..<d).map { _ in next(3) })
    }

    /// The formula of `lstmCell` spelled out over `vectorExp` and `vectorTanh`, one operation at a time.
    static func composed<T: TensorScalar>(_ row: inout [T], _ bih: [T], _ bhh: [T], _ c: inout [T], d: Int) -> [T] {
        let a = (0..<(4 * d)).map { (row[$0] + bih[$0]) + bhh[$0] }
        var expNegated = a
        T.vectorExp(a.map { 0 - $0 }, &expNegated, count: 4 * d)
        var tanhG = [T](repeating: 0, count: d)
        T.vectorTanh(Array(a[(2 * d)..<(3 * d)]), &tanhG, count: d)
        var h = [T](repeating: 0, count: d)
        for j in 0..<d {
            let (i, f) = (1 / (1 + expNegated[j]), 1 / (1 + expNegated[d + j]))
            let (g, o) = (tanhG[j], 1 / (1 + expNegated[3 * d + j]))
            let (forget, input) = (f * c[j], i * g)
            c[j] = forget + input
            (row[j], row[d + j], row[2 * d + j], row[3 * d + j]) = (i, f, g, o)
            h[j] = o
        }
        var tanhCell = c
        T.vectorTanh(c, &tanhCell, count: d)
        return (0..<d).map { h[$0] * tanhCell[$0] }
    }

    static let widths = Array(1...40) + [63, 64, 65, 200, 256]

    @Test(arguments: widths)
    func floatCellIsItsFormula(_ d: Int) { Self.check(Float.self, d: d) }

    @Test(arguments: widths)
    func doubleCellIsItsFormula(_ d: Int) { Self.check(Double.self, d: d) }

    static func check<T: TensorScalar>(_: T.Type, d: Int) {
        let (row, bih, bhh, c) = inputs(T.self, d: d, seed: UInt64(d))
        var (expectedRow, expectedCell) = (row, c)
        let expectedHidden = composed(&expectedRow, bih, bhh, &expectedCell, d: d)
        var (gotRow, gotCell, gotHidden) = (row, c, [T](repeating: .nan, count: d))
        T.lstmCell(&gotRow, inputBias: bih, hiddenBias: bhh, cell: &gotCell, hidden: &gotHidden, width: d)
        #expect(gotRow == expectedRow, "\(T.self) d=\(d): gates")
        #expect(gotCell == expectedCell, "\(T.self) d=\(d): cell")
        #expect(gotHidden == expectedHidden, "\(T.self) d=\(d): hidden")
    }

    @Test(.enabled(if: csleef_has_avx512f() != 0, "the CPU has no AVX-512F"), arguments: widths)
    func avx512AndAVX2Agree(_ d: Int) {
        let (inputRow, bih, bhh, inputCell) = Self.inputs(Float.self, d: d, seed: 99 + UInt64(d))
        var (row, c) = (inputRow, inputCell)
        var (row2, c2) = (row, c)
        var (h, h2) = ([Float](repeating: 0, count: d), [Float](repeating: 0, count: d))
        csleef_lstm_cellf_avx512(&row, bih, bhh, &c, &h, d)
        csleef_lstm_cellf_avx2(&row2, bih, bhh, &c2, &h2, d)
        #expect(row == row2 && c == c2 && h == h2, "Float d=\(d)")
        let (inputRowD, bihD, bhhD, inputCellD) = Self.inputs(Double.self, d: d, seed: 7 + UInt64(d))
        var (rowD, cD) = (inputRowD, inputCellD)
        var (rowD2, cD2) = (rowD, cD)
        var (hD, hD2) = ([Double](repeating: 0, count: d), [Double](repeating: 0, count: d))
        csleef_lstm_celld_avx512(&rowD, bihD, bhhD, &cD, &hD, d)
        csleef_lstm_celld_avx2(&rowD2, bihD, bhhD, &cD2, &hD2, d)
        #expect(rowD == rowD2 && cD == cD2 && hD == hD2, "Double d=\(d)")
    }
}
