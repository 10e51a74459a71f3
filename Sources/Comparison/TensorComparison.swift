import Foundation
public import Tensors

/// The element-by-element comparison of one Swift tensor with its reference, as `torch.testing.assert_close`.
///
/// Shape and dtype must match exactly. Element `i` passes when `|a_i - e_i| <= atol + rtol * |e_i|`. NaN policy: a
/// NaN or Inf in `actual` where the reference is finite fails, and an error that is NaN never passes; where the
/// reference holds NaN/Inf on purpose (`expectNonfinite`), `actual` must hold NaN, or the same infinity, at exactly
/// those positions, and a NaN/Inf in a reference that does not expect one fails. Every element is compared.
///
/// For a failing tensor, the greatest absolute and the greatest relative difference are taken over the mismatched
/// elements only (as `assert_close` reports them), each with its index, both values and the bound allowed there.
public struct TensorComparison: Sendable, Codable {
    /// One element of interest: where, both values, and what was allowed there.
    public struct Element: Sendable, Codable, Equatable {
        public var index: [Int]
        public var actual: Double
        public var expected: Double
        public var absError: Double
        public var relError: Double
        /// `atol + rtol * |expected|`.
        public var bound: Double
    }

    public var name: String
    public var shape: [Int]
    public var dtype: String
    public var tolerance: Tolerance
    /// The largest `|a - e|` over all elements (NaN when an error is NaN), and where.
    public var maxAbsError: Double
    public var maxAbsIndex: [Int]
    public var actualAtMaxAbs: Double
    public var expectedAtMaxAbs: Double
    /// The largest `|a - e| / |e|` over all elements (infinite when `e == 0` and `a != e`).
    public var maxRelError: Double
    /// max over elements of `|a - e| / (atol + rtol * |e|)`: <= 1 passes; 0 for a perfect match, +inf when the
    /// shape, dtype or NaN policy fails. A baseline can ratchet on it.
    public var maxErrorToBound: Double
    public var mismatches: Int
    public var total: Int
    /// Over the mismatched elements: the greatest absolute and the greatest relative difference (nil when none).
    public var worstAbsMismatch: Element?
    public var worstRelMismatch: Element?
    /// Why the tensors could not be compared element by element (shape or dtype), when so.
    public var problem: String?
    /// With a float64 shadow: max |swift - shadow| and max |reference - shadow| over all elements, and their
    /// ratio (1 when both are 0, +inf when only the reference is exact). Reported, never a verdict.
    public var swiftError64: Double?
    public var referenceError64: Double?
    public var accuracyRatio: Double?
    /// For a printed value (`printed/<name>`): the notebook cell and what it is of (`outputs/<t>` or `.shape`).
    public var printedCell: String?
    public var printedOf: String?

    public var passed: Bool { problem == nil && mismatches == 0 }

    private enum CodingKeys: String, CodingKey {
        case name, shape, dtype, tolerance, maxAbsError, maxAbsIndex, actualAtMaxAbs, expectedAtMaxAbs, maxRelError, maxErrorToBound, mismatches, total, worstAbsMismatch, worstRelMismatch, problem, swiftError64, referenceError64, accuracyRatio, printedCell, printedOf
        case passed
    }

    /// The stored fields and the derived `passed`, for `replay --json` (and the worker processes).
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
        try c.encodeIfPresent(worstAbsMismatch, forKey: .worstAbsMismatch)
        try c.encodeIfPresent(worstRelMismatch, forKey: .worstRelMismatch)
        try c.encodeIfPresent(problem, forKey: .problem)
        try c.encodeIfPresent(swiftError64, forKey: .swiftError64)
        try c.encodeIfPresent(referenceError64, forKey: .referenceError64)
        try c.encodeIfPresent(accuracyRatio, forKey: .accuracyRatio)
        try c.encodeIfPresent(printedCell, forKey: .printedCell)
        try c.encodeIfPresent(printedOf, forKey: .printedOf)
        try c.encode(passed, forKey: .passed)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        shape = try c.decode([Int].self, forKey: .shape)
        dtype = try c.decode(String.self, forKey: .dtype)
        tolerance = try c.decode(Tolerance.self, forKey: .tolerance)
        maxAbsError = try c.decode(Double.self, forKey: .maxAbsError)
        maxAbsIndex = try c.decode([Int].self, forKey: .maxAbsIndex)
        actualAtMaxAbs = try c.decode(Double.self, forKey: .actualAtMaxAbs)
        expectedAtMaxAbs = try c.decode(Double.self, forKey: .expectedAtMaxAbs)
        maxRelError = try c.decode(Double.self, forKey: .maxRelError)
        maxErrorToBound = try c.decode(Double.self, forKey: .maxErrorToBound)
        mismatches = try c.decode(Int.self, forKey: .mismatches)
        total = try c.decode(Int.self, forKey: .total)
        worstAbsMismatch = try c.decodeIfPresent(Element.self, forKey: .worstAbsMismatch)
        worstRelMismatch = try c.decodeIfPresent(Element.self, forKey: .worstRelMismatch)
        problem = try c.decodeIfPresent(String.self, forKey: .problem)
        swiftError64 = try c.decodeIfPresent(Double.self, forKey: .swiftError64)
        referenceError64 = try c.decodeIfPresent(Double.self, forKey: .referenceError64)
        accuracyRatio = try c.decodeIfPresent(Double.self, forKey: .accuracyRatio)
        printedCell = try c.decodeIfPresent(String.self, forKey: .printedCell)
        printedOf = try c.decodeIfPresent(String.self, forKey: .printedOf)
    }

    init(
        name: String, shape: [Int], dtype: String, tolerance: Tolerance, maxAbsError: Double, maxAbsIndex: [Int],
        actualAtMaxAbs: Double, expectedAtMaxAbs: Double, maxRelError: Double, maxErrorToBound: Double, mismatches: Int,
        total: Int, problem: String?
    ) {
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.tolerance = tolerance
        self.maxAbsError = maxAbsError
        self.maxAbsIndex = maxAbsIndex
        self.actualAtMaxAbs = actualAtMaxAbs
        self.expectedAtMaxAbs = expectedAtMaxAbs
        self.maxRelError = maxRelError
        self.maxErrorToBound = maxErrorToBound
        self.mismatches = mismatches
        self.total = total
        self.problem = problem
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
            result.mismatches = result.total
            return result
        }
        guard actual.shape == expected.shape else {
            result.problem = "shape \(actual.shape), expected \(expected.shape)"
            result.maxErrorToBound = .infinity
            result.mismatches = result.total
            return result
        }
        result.compareElements(actual.doubles, expected.doubles, expectNonfinite: expectNonfinite)
        return result
    }

    private mutating func compareElements(_ a: [Double], _ e: [Double], expectNonfinite: Bool) {
        var worstAbsOffset = -1, worstAbsMismatchOffset = -1, worstRelMismatchOffset = -1
        var worstAbsMismatchError = -Double.infinity, worstRelMismatchError = -Double.infinity
        for i in e.indices {
            let (x, y) = (a[i], e[i])
            let bound = tolerance.atol + tolerance.rtol * abs(y)
            let error: Double, relative: Double, failed: Bool, ratio: Double
            if !y.isFinite {
                let same = (y.isNaN && x.isNaN) || (y.isInfinite && x == y)
                failed = !(expectNonfinite && same)
                error = failed ? .nan : 0
                relative = failed ? .nan : 0
                ratio = failed ? .infinity : 0
            } else {
                error = abs(x - y)   // NaN when x is NaN, +inf when x is infinite
                relative = y == 0 ? (error == 0 ? 0 : .infinity) : error / abs(y)
                failed = error.isNaN || error > bound
                ratio = error.isNaN ? .infinity : (error == 0 ? 0 : (bound == 0 ? .infinity : error / bound))
            }
            if ratio > maxErrorToBound { maxErrorToBound = ratio }
            if relative.isNaN || maxRelError.isNaN { maxRelError = .nan } else if relative > maxRelError { maxRelError = relative }
            if !maxAbsError.isNaN, worstAbsOffset < 0 || error.isNaN || error > maxAbsError {
                worstAbsOffset = i
                maxAbsError = error
                actualAtMaxAbs = x
                expectedAtMaxAbs = y
            }
            guard failed else { continue }
            mismatches += 1
            // NaN errors rank above every number, the first one kept.
            let absKey = error.isNaN ? Double.infinity : error
            if worstAbsMismatchOffset < 0 || absKey > worstAbsMismatchError || (absKey == .infinity && worstAbsMismatchError < .infinity) {
                worstAbsMismatchOffset = i
                worstAbsMismatchError = absKey
            }
            let relKey = relative.isNaN ? Double.infinity : relative
            if worstRelMismatchOffset < 0 || relKey > worstRelMismatchError {
                worstRelMismatchOffset = i
                worstRelMismatchError = relKey
            }
        }
        if worstAbsOffset >= 0 { maxAbsIndex = Tensor<Double>.index(ofOffset: worstAbsOffset, in: shape) }
        func element(_ i: Int) -> Element {
            let (x, y) = (a[i], e[i])
            let error = y.isFinite ? abs(x - y) : .nan
            return Element(
                index: Tensor<Double>.index(ofOffset: i, in: shape), actual: x, expected: y, absError: error,
                relError: y.isFinite ? (y == 0 ? (error == 0 ? 0 : .infinity) : error / abs(y)) : .nan,
                bound: tolerance.atol + tolerance.rtol * abs(y))
        }
        if worstAbsMismatchOffset >= 0 { worstAbsMismatch = element(worstAbsMismatchOffset) }
        if worstRelMismatchOffset >= 0 { worstRelMismatch = element(worstRelMismatchOffset) }
    }

    /// Adds the float64-shadow figures: `swiftError64`, `referenceError64`, `accuracyRatio`.
    public mutating func addShadow(actual: AnyTensor, expected: AnyTensor, shadow: Tensor<Double>) {
        guard actual.shape == shadow.shape, expected.shape == shadow.shape else { return }
        func maxError(_ values: [Double]) -> Double {
            var worst = 0.0
            for (v, s) in zip(values, shadow.scalars) {
                if v.isNaN && s.isNaN || (v.isInfinite && v == s) { continue }
                let d = abs(v - s)
                if d.isNaN { return .nan }
                worst = max(worst, d)
            }
            return worst
        }
        let swift = maxError(actual.doubles)
        let reference = maxError(expected.doubles)
        swiftError64 = swift
        referenceError64 = reference
        accuracyRatio = swift == 0 && reference == 0 ? 1 : (reference == 0 ? .infinity : swift / reference)
    }
}

extension TensorComparison: CustomStringConvertible {
    /// `hn [2, 2, 256] float32: 3/1024 mismatched (0.29%); greatest abs 0.0012 at [1, 0, 7] (swift ... vs ref ...,
    /// allowed ...), greatest rel ...; rtol 1.3e-06, atol 1.0e-05`, or `... 0/1024 mismatched, max abs ... `.
    public var description: String {
        if let problem { return "\(name): \(problem)" }
        let digits = dtype == "float32" ? 9 : 17
        func v(_ x: Double) -> String { Self.format(x, digits: digits) }
        if let worst = worstAbsMismatch, let rel = worstRelMismatch {
            return "\(name) \(shape) \(dtype): mismatched \(mismatches) of \(total) (\(Self.percent(mismatches, total))); "
                + "greatest abs diff \(Self.format(worst.absError, digits: 3)) at \(worst.index) (swift \(v(worst.actual)) vs ref \(v(worst.expected)), allowed \(Self.format(worst.bound, digits: 3))); "
                + "greatest rel diff \(Self.format(rel.relError, digits: 3)) at \(rel.index) (swift \(v(rel.actual)) vs ref \(v(rel.expected)), allowed \(Self.format(rel.bound, digits: 3))); \(tolerance)"
        }
        return "\(name) \(shape) \(dtype): 0/\(total) mismatched, max abs \(Self.format(maxAbsError, digits: 3)) at \(maxAbsIndex) "
            + "(swift \(v(actualAtMaxAbs)) vs ref \(v(expectedAtMaxAbs))), max rel \(Self.format(maxRelError, digits: 3)), \(tolerance)"
    }

    /// `x` with `digits` significant digits (`%.{digits}g`); nan, inf, -inf spelled out.
    public static func format(_ x: Double, digits: Int) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        if x == 0 { return "0" }
        return String(format: "%.\(digits)g", x)
    }

    static func percent(_ k: Int, _ n: Int) -> String {
        n == 0 ? "0%" : String(format: "%.3g%%", 100 * Double(k) / Double(n))
    }
}
