public import Tensors

/// The element-by-element comparison of one Swift tensor with its reference.
///
/// Shape and dtype must match exactly. Elementwise: `|a - e| <= atol + rtol * |e|`. NaN policy: a NaN or Inf in
/// `actual` where the reference is finite fails, and an error that is NaN never passes; where the reference holds
/// NaN/Inf on purpose (`expectNonfinite`), `actual` must hold NaN, or the same infinity, at exactly those positions.
public struct TensorComparison: Sendable, Encodable {
    public var name: String
    public var shape: [Int]
    public var dtype: String
    public var tolerance: Tolerance
    /// The largest `|a - e|` over the compared elements (NaN when an error is NaN), and where.
    public var maxAbsError: Double
    public var maxAbsIndex: [Int]
    public var actualAtMaxAbs: Double
    public var expectedAtMaxAbs: Double
    /// The largest `|a - e| / |e|` (infinite when `e == 0` and `a != e`).
    public var maxRelError: Double
    /// max over elements of `|a - e| / (atol + rtol * |e|)`: <= 1 passes; 0 for a perfect match, +inf when the
    /// shape, dtype or NaN policy fails. A baseline can ratchet on it.
    public var maxErrorToBound: Double
    public var mismatches: Int
    public var total: Int
    /// Why the tensors could not be compared element by element (shape or dtype), when so.
    public var problem: String?

    public var passed: Bool { problem == nil && mismatches == 0 }

    private enum CodingKeys: String, CodingKey {
        case name, shape, dtype, tolerance, maxAbsError, maxAbsIndex, actualAtMaxAbs, expectedAtMaxAbs, maxRelError
        case maxErrorToBound, mismatches, total, problem, passed
    }

    /// The stored fields and the derived `passed`, for `replay --json`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(shape, forKey: .shape)
        try c.encode(dtype, forKey: .dtype)
        try c.encode(tolerance, forKey: .tolerance)
        try c.encode(maxAbsError, forKey: .maxAbsError)
        try c.encode(maxAbsIndex, forKey: .maxAbsIndex)
        try c.encode(actualAtMaxAbs, forKey: .actualAtMaxAbs)
        try c.encode(expectedAtMaxAbs, forKey: .expectedAtMaxAbs)
        try c.encode(maxRelError, forKey: .maxRelError)
        try c.encode(maxErrorToBound, forKey: .maxErrorToBound)
        try c.encode(mismatches, forKey: .mismatches)
        try c.encode(total, forKey: .total)
        try c.encodeIfPresent(problem, forKey: .problem)
        try c.encode(passed, forKey: .passed)
    }

    /// Compares `actual` with `expected` under `tolerance`.
    public static func compare(
        name: String, actual: AnyTensor, expected: AnyTensor, tolerance: Tolerance, expectNonfinite: Bool = false
    ) -> TensorComparison {
        var result = TensorComparison(
            name: name, shape: expected.shape, dtype: expected.dtypeName, tolerance: tolerance,
            maxAbsError: 0, maxAbsIndex: [], actualAtMaxAbs: 0, expectedAtMaxAbs: 0, maxRelError: 0,
            maxErrorToBound: 0, mismatches: 0, total: expected.shape.reduce(1, *), problem: nil)
        guard actual.dtypeName == expected.dtypeName else {
            result.problem = "dtype \(actual.dtypeName), expected \(expected.dtypeName)"
            result.maxErrorToBound = .infinity
            return result
        }
        guard actual.shape == expected.shape else {
            result.problem = "shape \(actual.shape), expected \(expected.shape)"
            result.maxErrorToBound = .infinity
            return result
        }
        let a = actual.doubles
        let e = expected.doubles
        var worst = -1
        for i in e.indices {
            let (x, y) = (a[i], e[i])
            if !y.isFinite {
                let same = (y.isNaN && x.isNaN) || (y.isInfinite && x == y)
                if !(expectNonfinite && same) {
                    result.mismatches += 1
                    result.maxErrorToBound = .infinity
                    if worst < 0 || !result.maxAbsError.isNaN { result.note(worst: &worst, i, x, y, .nan) }
                }
                continue
            }
            let error = abs(x - y)   // NaN when x is NaN, +inf when x is infinite
            let relative = y == 0 ? (error == 0 ? 0 : .infinity) : error / abs(y)
            let bound = tolerance.atol + tolerance.rtol * abs(y)
            if error.isNaN || error > bound { result.mismatches += 1 }
            let toBound = error.isNaN ? Double.infinity : (bound > 0 ? error / bound : (error == 0 ? 0 : .infinity))
            if toBound > result.maxErrorToBound { result.maxErrorToBound = toBound }
            if relative.isNaN || relative > result.maxRelError { result.maxRelError = relative.isNaN ? .nan : relative }
            if result.maxAbsError.isNaN { continue }
            if worst < 0 || error.isNaN || error > result.maxAbsError { result.note(worst: &worst, i, x, y, error) }
        }
        if worst >= 0 { result.maxAbsIndex = Tensor<Double>.index(ofOffset: worst, in: expected.shape) }
        return result
    }

    private mutating func note(worst: inout Int, _ i: Int, _ x: Double, _ y: Double, _ error: Double) {
        worst = i
        maxAbsError = error
        actualAtMaxAbs = x
        expectedAtMaxAbs = y
    }
}

extension TensorComparison: CustomStringConvertible {
    /// `hn [2, 2, 256] float32: max abs 3.1e-06 at [1, 0, 7] (swift 0.1234 vs ref 0.1234), max rel 2.0e-05,
    /// 0/1024 mismatched, rtol 1.3e-06, atol 1.0e-05`.
    public var description: String {
        if let problem { return "\(name): \(problem)" }
        return "\(name) \(shape) \(dtype): max abs \(maxAbsError) at \(maxAbsIndex) (swift \(actualAtMaxAbs) vs ref \(expectedAtMaxAbs)), "
            + "max rel \(maxRelError), \(mismatches)/\(total) mismatched, \(tolerance)"
    }
}
