import Comparison
import Foundation
import PropertyBased
import Testing
import Tensors

/// The comparison as `torch.testing.assert_close`: every element, the worst mismatched element reported with both
/// values distinguishable, and the rule checked against an independent implementation over random tensors.
@Suite struct ComparisonRuleTests {
    let float32 = Tolerance.default(forDType: "float32")

    @Test func everyElementIsCompared() {
        // 66% of all recorded elements lie beyond the first 1,000 of their tensor: the last one must count.
        for count in [1_001, 4_096, 100_000] {
            var actual = [Float](repeating: 0.5, count: count)
            let expected = actual
            actual[count - 1] = 0.75
            let c = TensorComparison.compare(
                name: "t", actual: .float32(Tensor(shape: [count], scalars: actual)),
                expected: .float32(Tensor(shape: [count], scalars: expected)), tolerance: float32)
            #expect(!c.passed && c.mismatches == 1 && c.worstAbsMismatch?.index == [count - 1], "\(count)")
        }
    }

    @Test func aFailingRowPointsAtAFailingElementWithDistinguishableValues() {
        // 1000.005 vs 1000 passes (bound 1.3e-3); 0.0012 vs 0.001 fails. The largest difference overall is the
        // passing one: the row must point at [1].
        let c = TensorComparison.compare(
            name: "t", actual: .float32(Tensor(shape: [2], scalars: [1000.001, 0.0012])),
            expected: .float32(Tensor(shape: [2], scalars: [1000, 0.001])), tolerance: float32)
        #expect(c.mismatches == 1)
        #expect(c.maxAbsIndex == [0])   // over all elements
        let worst = try! #require(c.worstAbsMismatch)
        #expect(worst.index == [1] && c.worstRelMismatch?.index == [1])
        #expect(worst.bound == 1e-5 + 1.3e-6 * Double(Float(0.001)))
        let text = c.description
        #expect(text.contains("mismatched 1 of 2 (50%)"), "\(text)")
        #expect(text.contains("swift 0.00120000006 vs ref 0.00100000005"), "\(text)")
        #expect(!text.contains("1e+03 vs 1e+03"), "\(text)")
    }

    @Test func float64ValuesPrintAt17Digits() {
        let c = TensorComparison.compare(
            name: "t", actual: .float64(Tensor(shape: [1], scalars: [0.1 + 1e-6])),
            expected: .float64(Tensor(shape: [1], scalars: [0.1])), tolerance: .default(forDType: "float64"))
        #expect(c.description.contains("swift 0.10000100000000001 vs ref 0.10000000000000001"), "\(c.description)")
    }

    @Test func maxErrorToBoundIsTheWorstRatio() {
        let tolerance = Tolerance(rtol: 0, atol: 0.5)
        func ratio(_ a: [Double], _ e: [Double], nonfinite: Bool = false, shape: [Int]? = nil) -> Double {
            TensorComparison.compare(
                name: "t", actual: .float64(Tensor(shape: shape ?? [a.count], scalars: a)),
                expected: .float64(Tensor(shape: [e.count], scalars: e)), tolerance: tolerance, expectNonfinite: nonfinite
            ).maxErrorToBound
        }
        #expect(ratio([1, 2], [1, 2]) == 0)
        #expect(ratio([1.25, 2], [1, 2]) == 0.5)
        #expect(ratio([1.25, 3], [1, 2]) == 2)
        #expect(ratio([.nan], [1]) == .infinity)
        #expect(ratio([.nan], [.nan], nonfinite: true) == 0)
        #expect(ratio([1, 2], [1, 2], shape: [2, 1]) == .infinity)
    }

    @Test func shadowFiguresCompareBothSidesWithFloat64() {
        var c = TensorComparison.compare(
            name: "t", actual: .float32(Tensor(shape: [2], scalars: [1, 2])),
            expected: .float32(Tensor(shape: [2], scalars: [1, 2])), tolerance: float32)
        c.addShadow(actual: .float32(Tensor(shape: [2], scalars: [1, 2])), expected: .float32(Tensor(shape: [2], scalars: [1, 2.5])),
                    shadow: Tensor(shape: [2], scalars: [1, 2.25]))
        #expect(c.swiftError64 == 0.25 && c.referenceError64 == 0.25 && c.accuracyRatio == 1)
        var exact = c
        exact.addShadow(actual: .float32(Tensor(shape: [1], scalars: [1])), expected: .float32(Tensor(shape: [1], scalars: [1])),
                        shadow: Tensor(shape: [1], scalars: [1]))
        #expect(exact.accuracyRatio == 1)
        exact.addShadow(actual: .float32(Tensor(shape: [1], scalars: [1.5])), expected: .float32(Tensor(shape: [1], scalars: [1])),
                        shadow: Tensor(shape: [1], scalars: [1]))
        #expect(exact.accuracyRatio == .infinity)
    }

    // MARK: Property: the comparison agrees with an independent |a - e| <= atol + rtol * |e|

    /// The rule written out plainly, element by element.
    static func independent(_ a: [Double], _ e: [Double], rtol: Double, atol: Double, nonfinite: Bool) -> [Bool] {
        zip(a, e).map { x, y in
            if y.isNaN { return nonfinite && x.isNaN }
            if y.isInfinite { return nonfinite && x == y }
            if x.isNaN || x.isInfinite { return false }
            return (x - y).magnitude <= atol + rtol * y.magnitude
        }
    }

    static let special: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, 1e-30, 1e30, 1, -1]

    @Test func theComparisonAgreesWithAnIndependentRule() async {
        let value = Gen.oneOf(Gen.double(in: -4...4), Gen.element(of: Self.special).map { $0 ?? 0 })
        let element = zip(value, Gen.double(in: -1e-4...1e-4), Gen.int(in: 0...3), value)
        let tolerance = Gen.element(of: [(1.3e-6, 1e-5), (1e-7, 1e-7), (0.0, 1e-3), (1e-2, 0.0), (0.0, 0.0)]).map { $0 ?? (0, 0) }
        await propertyCheck(
            count: 300, input: element.array(of: 1...40), tolerance, Gen.element(of: [true, false]).map { $0 ?? false }
        ) { elements, tolerance, nonfinite in
            // Actual: the expected value nudged (kinds 0-2: within or around the bound), or an unrelated value.
            let e = elements.map(\.0)
            let a = elements.map { expected, nudge, kind, other in kind == 3 ? other : expected + nudge * Double(kind) }
            let shape = e.count % 2 == 0 ? [2, e.count / 2] : [e.count]
            let (rtol, atol) = tolerance
            let c = TensorComparison.compare(
                name: "t", actual: .float64(Tensor(shape: shape, scalars: a)), expected: .float64(Tensor(shape: shape, scalars: e)),
                tolerance: Tolerance(rtol: rtol, atol: atol), expectNonfinite: nonfinite)
            let passes = Self.independent(a, e, rtol: rtol, atol: atol, nonfinite: nonfinite)
            #expect(c.total == e.count)
            #expect(c.mismatches == passes.count(where: { !$0 }), "a \(a) e \(e) rtol \(rtol) atol \(atol) nonfinite \(nonfinite)")
            #expect(c.passed == passes.allSatisfy { $0 })
            #expect((c.maxErrorToBound <= 1) == c.passed || c.maxErrorToBound.isNaN == false && !c.passed)
            if let worst = c.worstAbsMismatch {
                let offset = worst.index.count == 2 ? worst.index[0] * (e.count / 2) + worst.index[1] : worst.index[0]
                #expect(!passes[offset], "the worst mismatch must be a mismatched element")
                let errors = zip(a, e).enumerated().filter { !passes[$0.offset] }
                    .map { _, p in p.1.isFinite ? ((p.0 - p.1).magnitude.isNaN ? Double.infinity : (p.0 - p.1).magnitude) : .infinity }
                let key = worst.absError.isNaN ? Double.infinity : worst.absError
                #expect(key == errors.max(), "greatest abs difference over the mismatched elements")
            } else {
                #expect(c.passed)
            }
        }
    }
}
