import CSleef
import Foundation
import Testing
import Tensors

/// `TensorScalar.lstmCell`, the fused pointwise half of an LSTM step (Sources/CSleef/lstm_cell.h), computes its formula
/// with its exp and tanh, bit for bit, at every row width (full vectors and padded tails); its AVX-512F and AVX2
/// versions agree bit for bit; and the float exp and tanh it inlines stay within their measured error (the maxima
/// over every float, measured by tools/lstm_cell_functions.c: exp 1.26 ULP, tanh 4.90 ULP; docs/PERFORMANCE.md).
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

    typealias Kernel<T> = (UnsafePointer<T>, UnsafeMutablePointer<T>, Int) -> Void

    /// The exp and tanh the cell runs: for Float its own (`csleef_cell_expf`, `csleef_cell_tanhf`), for Double
    /// `vectorExp` and `vectorTanh`.
    static func cellFunctions<T: TensorScalar>(_: T.Type) -> (exp: Kernel<T>, tanh: Kernel<T>) {
        if T.self == Float.self {
            return (unsafeBitCast(csleef_cell_expf as Kernel<Float>, to: Kernel<T>.self),
                    unsafeBitCast(csleef_cell_tanhf as Kernel<Float>, to: Kernel<T>.self))
        }
        return ({ T.vectorExp($0, $1, count: $2) }, { T.vectorTanh($0, $1, count: $2) })
    }

    /// The formula of `lstmCell` spelled out over the cell's exp and tanh, one operation at a time.
    static func composed<T: TensorScalar>(_ row: inout [T], _ bih: [T], _ bhh: [T], _ c: inout [T], d: Int) -> [T] {
        let (exp, tanh) = cellFunctions(T.self)
        let a = (0..<(4 * d)).map { (row[$0] + bih[$0]) + bhh[$0] }
        var expNegated = a
        exp(a.map { 0 - $0 }, &expNegated, 4 * d)
        var tanhG = [T](repeating: 0, count: d)
        tanh(Array(a[(2 * d)..<(3 * d)]), &tanhG, d)
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
        tanh(c, &tanhCell, d)
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

    /// The error of the float exp and tanh the cell runs, against float64 libm, over inputs spread through the bit
    /// patterns of the whole range (both signs; exp up to the largest finite result), asserted at the maxima measured
    /// over every float (1.26 and 4.90 ULP) rounded up.
    @Test(.enabled(if: csleef_has_avx2() != 0, "the CPU has no AVX2: the cell runs SLEEF's kernels"))
    func cellFunctionsWithinTheirMeasuredError() {
        let (exp, tanh) = Self.cellFunctions(Float.self)
        let xs = stride(from: UInt32(0), to: 0x8000_0000, by: 997).flatMap { bits -> [Float] in
            let x = Float(bitPattern: bits)
            return x.isFinite ? [x, -x] : []
        }
        func worst(_ kernel: Kernel<Float>, _ reference: (Double) -> Double, upTo limit: Float) -> (ulps: Double, at: Float) {
            let inputs = xs.filter { $0 <= limit }
            var ys = [Float](repeating: 0, count: inputs.count)
            kernel(inputs, &ys, inputs.count)
            var worst: (ulps: Double, at: Float) = (0, 0)
            for (x, y) in zip(inputs, ys) {
                let exact = reference(Double(x))
                var below = Float(exact.magnitude)  // the float just below |exact|, whose spacing is the unit
                if Double(below) > exact.magnitude { below = below.nextDown }
                let spacing = Double(below == 0 ? Float.leastNonzeroMagnitude : below.ulp)
                let error = abs(Double(y) - exact) / spacing
                if error > worst.ulps { worst = (error, x) }
            }
            return worst
        }
        let expError = worst(exp, Foundation.exp, upTo: 88.72283)
        let tanhError = worst(tanh, Foundation.tanh, upTo: .greatestFiniteMagnitude)
        #expect(expError.ulps <= 1.5, "exp: \(expError.ulps) ULP at \(expError.at)")
        #expect(tanhError.ulps <= 5, "tanh: \(tanhError.ulps) ULP at \(tanhError.at)")
    }

    @Test(.enabled(if: csleef_has_avx512f() != 0, "the CPU has no AVX-512F"))
    func cellFunctionsAgreeOnAVX512AndAVX2() {
        let xs = stride(from: UInt64(0), to: 1 << 32, by: 1021).map { Float(bitPattern: UInt32($0)) }
        for (name, avx512, avx2) in [
            ("exp", csleef_fast_expf_avx512_array as Kernel<Float>, csleef_fast_expf_avx2_array as Kernel<Float>),
            ("tanh", csleef_fast_tanhf_avx512_array, csleef_fast_tanhf_avx2_array),
        ] {
            var (a, b) = ([Float](repeating: 0, count: xs.count), [Float](repeating: 0, count: xs.count))
            avx512(xs, &a, xs.count)
            avx2(xs, &b, xs.count)
            let differing = xs.indices.filter { a[$0].bitPattern != b[$0].bitPattern && !(a[$0].isNaN && b[$0].isNaN) }
            #expect(differing.isEmpty, "\(name): AVX-512F and AVX2 differ at \(differing.prefix(5).map { xs[$0] })")
        }
    }

    typealias Cell<T> = (
        UnsafeMutablePointer<T>?, UnsafePointer<T>?, UnsafePointer<T>?, UnsafeMutablePointer<T>?,
        UnsafeMutablePointer<T>?, Int
    ) -> Void

    /// Whether two versions of the cell give the same bits for one row of width `d`.
    static func agree<T: TensorScalar>(_: T.Type, d: Int, _ first: Cell<T>, _ second: Cell<T>) -> Bool {
        let (row, bih, bhh, cell) = inputs(T.self, d: d, seed: 99 + UInt64(d))
        var (row1, cell1, hidden1) = (row, cell, [T](repeating: 0, count: d))
        var (row2, cell2, hidden2) = (row, cell, [T](repeating: 0, count: d))
        first(&row1, bih, bhh, &cell1, &hidden1, d)
        second(&row2, bih, bhh, &cell2, &hidden2, d)
        return row1 == row2 && cell1 == cell2 && hidden1 == hidden2
    }

    @Test(.enabled(if: csleef_has_avx512f() != 0, "the CPU has no AVX-512F"), arguments: widths)
    func avx512AndAVX2Agree(_ d: Int) {
        #expect(Self.agree(Float.self, d: d, csleef_lstm_cellf_avx512, csleef_lstm_cellf_avx2), "Float d=\(d)")
        #expect(Self.agree(Double.self, d: d, csleef_lstm_celld_avx512, csleef_lstm_celld_avx2), "Double d=\(d)")
    }
}
