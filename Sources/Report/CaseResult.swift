public import Comparison

/// The outcome of replaying one fixture case: every tensor's comparison, or the error that stopped it.
public struct CaseResult: Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        case passed, failed, error
    }

    /// `file.h5/case` (`file.h5` alone for an error about the whole file).
    public var identifier: String
    public var file: String
    public var caseName: String
    public var replay: String?
    public var dtype: String?
    /// One per recorded output, in dataflow order.
    public var comparisons: [TensorComparison]
    /// One per `printed/` value (rows marked `printed`), counted in the verdict.
    public var printed: [TensorComparison] = []
    /// Why the case could not be compared (bad fixture, unknown replay, a layer refusing its input, an input or
    /// parameter left unused, an output not recorded), naming file, case and tensor.
    public var error: String?
    /// The error, structured for the JSON report.
    public var errorDetail: ReportError?
    /// How many of the tensors the replay computed `outputs/` records (the rest are named in `unchecked_outputs`).
    public var checkedOutputs: Int = 0
    public var computedOutputs: Int = 0
    /// `unchecked_outputs`: computed tensor -> why it is not recorded.
    public var uncheckedOutputs: [String: String] = [:]

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
        return comparisons.allSatisfy(\.passed) && printed.allSatisfy(\.passed) ? .passed : .failed
    }

    private enum CodingKeys: String, CodingKey {
        case identifier, file, caseName = "case", replay, dtype, status, error, errorDetail, comparisons, printed
        case checkedOutputs, computedOutputs, uncheckedOutputs
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
        try c.encodeIfPresent(errorDetail, forKey: .errorDetail)
        try c.encode(comparisons, forKey: .comparisons)
        try c.encode(printed, forKey: .printed)
        try c.encode(checkedOutputs, forKey: .checkedOutputs)
        try c.encode(computedOutputs, forKey: .computedOutputs)
        try c.encode(uncheckedOutputs, forKey: .uncheckedOutputs)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        identifier = try c.decode(String.self, forKey: .identifier)
        file = try c.decode(String.self, forKey: .file)
        caseName = try c.decode(String.self, forKey: .caseName)
        replay = try c.decodeIfPresent(String.self, forKey: .replay)
        dtype = try c.decodeIfPresent(String.self, forKey: .dtype)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        errorDetail = try c.decodeIfPresent(ReportError.self, forKey: .errorDetail)
        comparisons = try c.decode([TensorComparison].self, forKey: .comparisons)
        printed = try c.decode([TensorComparison].self, forKey: .printed)
        checkedOutputs = try c.decode(Int.self, forKey: .checkedOutputs)
        computedOutputs = try c.decode(Int.self, forKey: .computedOutputs)
        uncheckedOutputs = try c.decode([String: String].self, forKey: .uncheckedOutputs)
    }
}

/// An error in the JSON report: which file, case and tensor, what kind, and the message people read.
///
/// Kinds: `file`, `manifest`, `hdf5`, `size`, `format`, `schema`, `dtype`, `shape`, `nonfinite`, `tolerance`,
/// `config`, `input`, `parameters`, `coverage`, `layer`, `replay`, `unknown-replay`, `crash`, `timeout`.
public struct ReportError: Sendable, Codable, Equatable {
    public var file: String
    public var caseName: String?
    public var tensor: String?
    public var kind: String
    public var message: String

    private enum CodingKeys: String, CodingKey {
        case file, caseName = "case", tensor, kind, message
    }
}
