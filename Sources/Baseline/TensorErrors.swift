/// One tensor's errors in one replay run: the unit an error baseline records and compares.
///
/// `maxAbs = max |swift - ref|`, `maxRel = max |swift - ref| / |ref|`, `maxErrorToBound = max |swift - ref| /
/// (atol + rtol * |ref|)` (<= 1 passes the tolerance). With a float64 shadow (docs/FIXTURES.md, "Float64 shadow"):
/// `swiftError64 = max |swift - shadow|`, `referenceError64 = max |ref - shadow|`, `accuracyRatio` = their ratio
/// (> 1: Swift is further from the float64 answer than PyTorch). Tensors of any shape reduce to these scalars.
/// Identified by `caseID` (`file.h5/case`, the identifier `replay` prints) and `tensor` (the output's name).
public struct TensorErrors: Sendable, Equatable, Codable {
    public var caseID: String
    public var tensor: String
    public var maxAbs: Double
    public var maxRel: Double
    public var maxErrorToBound: Double
    public var swiftError64: Double?
    public var referenceError64: Double?
    public var accuracyRatio: Double?

    public init(
        caseID: String, tensor: String, maxAbs: Double, maxRel: Double, maxErrorToBound: Double,
        swiftError64: Double? = nil, referenceError64: Double? = nil, accuracyRatio: Double? = nil
    ) {
        self.caseID = caseID
        self.tensor = tensor
        self.maxAbs = maxAbs
        self.maxRel = maxRel
        self.maxErrorToBound = maxErrorToBound
        self.swiftError64 = swiftError64
        self.referenceError64 = referenceError64
        self.accuracyRatio = accuracyRatio
    }

    /// `file.h5/case` and the tensor: how reports name it.
    public var key: Key { Key(caseID: caseID, tensor: tensor) }

    /// Where a tensor sits: its case and its name; sorted by case, then tensor.
    public struct Key: Hashable, Comparable, Sendable, CustomStringConvertible {
        public var caseID: String
        public var tensor: String

        public init(caseID: String, tensor: String) {
            self.caseID = caseID
            self.tensor = tensor
        }

        public static func < (a: Key, b: Key) -> Bool { (a.caseID, a.tensor) < (b.caseID, b.tensor) }
        public var description: String { "\(caseID) \(tensor)" }
    }
}
