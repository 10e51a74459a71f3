/// When a tensor's error has grown, or shrunk, enough to be a change rather than noise.
///
/// On `maxErrorToBound` (`e = max |swift - ref| / (atol + rtol * |ref|)`, so tensors of any scale compare alike):
/// a regression when `new > factor * old` AND `new - old > floor`; an improvement when `old > factor * new` AND
/// `old - new > floor`. The floor keeps an exact 0 that becomes a rounding-sized error from counting as an
/// infinite growth. `measured` sits above the spread measured on this project (docs/GATE.md).
public struct BaselineRule: Sendable, Equatable, CustomStringConvertible {
    public var factor: Double
    public var floor: Double

    public init(factor: Double, floor: Double) {
        self.factor = factor
        self.floor = floor
    }

    /// The rule `replay --baseline` applies; docs/GATE.md gives the measurement behind both numbers.
    public static let measured = BaselineRule(factor: 3, floor: 0.02)

    public func isRegression(old: Double, new: Double) -> Bool {
        if new.isNaN { return !old.isNaN }
        return new > factor * old && new - old > floor
    }

    public func isImprovement(old: Double, new: Double) -> Bool {
        if old.isNaN { return !new.isNaN }
        return old > factor * new && old - new > floor
    }

    /// `new / old`; +inf when only `old` is 0, 1 when both are.
    public static func growth(old: Double, new: Double) -> Double {
        if old == new { return 1 }
        if old == 0 { return .infinity }
        return new / old
    }

    public var description: String {
        "regression when max error/bound grows by more than \(factor)x and by more than \(floor) (of the bound)"
    }
}
