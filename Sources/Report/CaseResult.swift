public import Comparison

/// The outcome of replaying one fixture case: every tensor's comparison, or the error that stopped it.
public struct CaseResult: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable {
        case passed, failed, error
    }

    /// `file.h5/case`.
    public var identifier: String
    public var file: String
    public var caseName: String
    public var replay: String?
    public var dtype: String?
    public var comparisons: [TensorComparison]
    /// Why the case could not be compared (bad fixture, unknown replay, a layer refusing its input), naming file,
    /// case and tensor.
    public var error: String?

    public init(
        identifier: String, file: String, caseName: String, replay: String?, dtype: String?,
        comparisons: [TensorComparison], error: String?
    ) {
        self.identifier = identifier
        self.file = file
        self.caseName = caseName
        self.replay = replay
        self.dtype = dtype
        self.comparisons = comparisons
        self.error = error
    }

    public var status: Status {
        if error != nil { return .error }
        return comparisons.allSatisfy(\.passed) ? .passed : .failed
    }

    private enum CodingKeys: String, CodingKey {
        case identifier, file, caseName = "case", replay, dtype, status, error, comparisons
    }

    /// The stored fields and the derived `status`, for `replay --json`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(identifier, forKey: .identifier)
        try c.encode(file, forKey: .file)
        try c.encode(caseName, forKey: .caseName)
        try c.encodeIfPresent(replay, forKey: .replay)
        try c.encodeIfPresent(dtype, forKey: .dtype)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(error, forKey: .error)
        try c.encode(comparisons, forKey: .comparisons)
    }
}
