import Foundation

/// How close a Swift tensor must be to its reference: an element passes when
/// `|actual - expected| <= atol + rtol * |expected|` (as `torch.testing.assert_close`).
public struct Tolerance: Sendable, Equatable, Codable, CustomStringConvertible {
    public var rtol: Double
    public var atol: Double
    /// Why a fixture overrides the default; nil for the default.
    public var reason: String?

    public init(rtol: Double, atol: Double, reason: String? = nil) {
        self.rtol = rtol
        self.atol = atol
        self.reason = reason
    }

    /// `torch.testing.assert_close`'s defaults: float32 rtol 1.3e-6, atol 1e-5; float64 rtol 1e-7, atol 1e-7.
    /// Integer and bool tensors compare exactly.
    public static func `default`(forDType dtype: String) -> Tolerance {
        switch dtype {
        case "float32": Tolerance(rtol: 1.3e-6, atol: 1e-5)
        case "float64": Tolerance(rtol: 1e-7, atol: 1e-7)
        default: Tolerance(rtol: 0, atol: 0)
        }
    }

    public var description: String {
        "rtol \(Self.short(rtol)), atol \(Self.short(atol))\(reason == nil ? "" : " (override)")"
    }

    static func short(_ x: Double) -> String {
        x == 0 ? "0" : String(format: "%.1e", x)
    }
}
