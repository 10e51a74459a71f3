import Comparison
import Testing
import Tensors

@Suite struct TensorComparisonTests {
    let tolerance = Tolerance.default(forDType: "float32")

    func compare(_ actual: [Float], _ expected: [Float], shape: [Int]? = nil, nonfinite: Bool = false) -> TensorComparison {
        TensorComparison.compare(
            name: "t", actual: .float32(Tensor(shape: shape ?? [actual.count], scalars: actual)),
            expected: .float32(Tensor(shape: [expected.count], scalars: expected)), tolerance: tolerance,
            expectNonfinite: nonfinite)
    }

    @Test func defaultsAreTorchTestingAssertClose() {
        #expect(Tolerance.default(forDType: "float32") == Tolerance(rtol: 1.3e-6, atol: 1e-5))
        #expect(Tolerance.default(forDType: "float64") == Tolerance(rtol: 1e-7, atol: 1e-7))
    }

    @Test func withinAtolPlusRtolPasses() {
        let c = compare([1.0, 2.0 + 1e-5], [1.0, 2.0])
        #expect(c.passed)
        #expect(c.maxAbsIndex == [1])
    }

    @Test func reportsTheWorstElementAndTheMismatchCount() {
        let c = compare([1.0, 2.5, 3.0, 4.001], [1.0, 2.0, 3.0, 4.0])
        #expect(!c.passed)
        #expect(c.mismatches == 2)
        #expect(c.total == 4)
        #expect(c.maxAbsError == 0.5)
        #expect(c.maxAbsIndex == [1])
        #expect(c.actualAtMaxAbs == 2.5 && c.expectedAtMaxAbs == 2.0)
        #expect(c.maxRelError == 0.25)
    }

    @Test func maxErrorToBoundIsTheWorstErrorOverItsBound() {
        // bounds: 1e-5 + 1.3e-6 * |e|; errors 0, 5e-6 (e = 0: bound 1e-5), 1e-5 (e = 100: bound 1.4e-4)
        let c = compare([1.0, 5e-6, 100.00001], [1.0, 0, 100])
        #expect(abs(c.maxErrorToBound - 0.5) < 1e-3)
        #expect(compare([1.0], [1.0]).maxErrorToBound == 0)
        #expect(compare([1.0, .nan], [1.0, 2.0]).maxErrorToBound == .infinity)
        #expect(compare([1.0], [1.0, 2.0], shape: [1]).maxErrorToBound == .infinity)
    }

    @Test func aNaNWhereTheReferenceIsFiniteFails() {
        let c = compare([1.0, .nan], [1.0, 2.0])
        #expect(!c.passed)
        #expect(c.maxAbsError.isNaN)
        #expect(c.maxAbsIndex == [1])
    }

    @Test func anInfinityWhereTheReferenceIsFiniteFails() {
        #expect(!compare([.infinity], [1.0]).passed)
    }

    @Test func expectedNonfiniteMustMatchPositionExactly() {
        #expect(compare([.nan, 1.0, -.infinity], [.nan, 1.0, -.infinity], nonfinite: true).passed)
        #expect(!compare([1.0, 1.0, -.infinity], [.nan, 1.0, -.infinity], nonfinite: true).passed)
        #expect(!compare([.nan, .nan, -.infinity], [.nan, 1.0, -.infinity], nonfinite: true).passed)
        #expect(!compare([.nan, 1.0, .infinity], [.nan, 1.0, -.infinity], nonfinite: true).passed)
        // Without the declaration, a NaN in the reference never passes.
        #expect(!compare([.nan], [.nan]).passed)
    }

    @Test func shapeAndDtypeMustMatchExactly() {
        let c = compare([1, 2, 3, 4], [1, 2, 3, 4], shape: [2, 2])
        #expect(!c.passed)
        #expect(c.problem == "shape [2, 2], expected [4]")
        let d = TensorComparison.compare(
            name: "t", actual: .float64(Tensor(shape: [1], scalars: [1])), expected: .float32(Tensor(shape: [1], scalars: [1])),
            tolerance: tolerance)
        #expect(d.problem == "dtype float64, expected float32")
    }

    @Test func zeroReferenceGivesInfiniteRelativeErrorOnlyWhenDifferent() {
        #expect(compare([0], [0]).maxRelError == 0)
        #expect(compare([1e-7], [0]).maxRelError == .infinity)
        #expect(compare([1e-7], [0]).passed)  // within atol
    }
}
