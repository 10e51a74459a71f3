internal import HDF5
import Tensors

/// Reads the datasets of one case into `AnyTensor`s, checking each against the case's dtype and for NaN/Inf.
struct TensorReader {
    let file: String
    let caseName: String
    /// The case's floating dtype: `float32` or `float64`.
    let dtype: String

    /// Dataset names in `group/<sub>`, in creation order; none when the subgroup is absent.
    func names(_ group: HDF5Group, _ sub: String) throws(FixtureError) -> [String] {
        try FixtureLoader.hdf5(file, caseName, sub) { () throws(HDF5Error) -> [String] in
            guard try group.kind(of: sub) == .group else { return [] }
            return try group.group(sub).memberNames(order: .creation)
        }
    }

    /// Every dataset in `group/<sub>` (inputs or params), all finite.
    func readAll(_ group: HDF5Group, _ sub: String) throws(FixtureError) -> [String: AnyTensor] {
        var tensors: [String: AnyTensor] = [:]
        for name in try names(group, sub) {
            let path = "\(sub)/\(name)"
            let tensor = try read(group, path)
            try requireFinite(tensor, path)
            tensors[name] = tensor
        }
        return tensors
    }

    /// One output with its tolerance override and NaN policy.
    func readOutput(_ group: HDF5Group, _ name: String) throws(FixtureError) -> FixtureCase.ExpectedOutput {
        let path = "outputs/\(name)"
        let tensor = try read(group, path)
        let dataset = try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) in try group.dataset(path) }
        func attribute(_ key: String) throws(FixtureError) -> Double? {
            try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) -> Double? in
                try dataset.hasAttribute(key) ? try dataset.readAttribute(key, as: Double.self, allowingConversion: true).first : nil
            }
        }
        let expectNonfinite = try attribute("expect_nonfinite").map { $0 != 0 } ?? false
        if !expectNonfinite { try requireFinite(tensor, path) }
        let rtol = try attribute("rtol")
        let atol = try attribute("atol")
        var override: (rtol: Double, atol: Double, reason: String)?
        switch (rtol, atol) {
        case (nil, nil):
            override = nil
        case (let rtol?, let atol?):
            let reason = try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) -> String? in
                try dataset.hasAttribute("tolerance_reason") ? try dataset.readStringAttribute("tolerance_reason") : nil
            }
            guard let reason, !reason.isEmpty else {
                throw FixtureError(file: file, caseName: caseName, tensor: path, "a tolerance override needs a 'tolerance_reason'")
            }
            override = (rtol, atol, reason)
        default:
            throw FixtureError(file: file, caseName: caseName, tensor: path, "a tolerance override needs both 'rtol' and 'atol'")
        }
        return .init(name: name, tensor: tensor, toleranceOverride: override, expectNonfinite: expectNonfinite)
    }

    /// The dataset at `path` (relative to the case), as the element type it is stored in.
    func read(_ group: HDF5Group, _ path: String) throws(FixtureError) -> AnyTensor {
        try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) -> AnyTensor in
            let dataset = try group.dataset(path)
            let shape = try dataset.shape()
            let stored = try dataset.storedType()
            switch stored {
            case .float(bytes: 4, _):
                return .float32(Tensor(shape: shape, scalars: try dataset.read(as: Float.self)))
            case .float(bytes: 8, _):
                return .float64(Tensor(shape: shape, scalars: try dataset.read(as: Double.self)))
            case .signedInteger(bytes: let bytes, _) where bytes <= 8:
                // Widening to int64 loses nothing.
                return .int64(Tensor(shape: shape, scalars: try dataset.read(as: Int64.self, allowingConversion: true)))
            case .unsignedInteger(bytes: 1, _):
                return .uint8(Tensor(shape: shape, scalars: try dataset.read(as: UInt8.self)))
            case .bool:
                return .bool(Tensor(shape: shape, scalars: try dataset.read(as: Bool.self)))
            default:
                throw HDF5Error(call: "read", path: dataset.path, file: file, message: "stored as \(stored), which no fixture tensor may be", stack: "")
            }
        }.checkedFloating(dtype, file, caseName, path)
    }

    private func requireFinite(_ tensor: AnyTensor, _ path: String) throws(FixtureError) {
        let values = tensor.doubles
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            let count = values.count { !$0.isFinite }
            throw FixtureError(
                file: file, caseName: caseName, tensor: path,
                "holds \(count) non-finite value(s), the first \(values[bad]) at \(Tensor<Double>.index(ofOffset: bad, in: tensor.shape))"
                    + (path.hasPrefix("outputs/") ? " (mark the output 'expect_nonfinite' if that is intended)" : ""))
        }
    }
}

extension AnyTensor {
    /// Fails when a floating tensor's dtype is not the case's.
    fileprivate func checkedFloating(_ dtype: String, _ file: String, _ caseName: String, _ path: String) throws(FixtureError) -> AnyTensor {
        switch self {
        case .float32, .float64:
            guard dtypeName == dtype else {
                throw FixtureError(file: file, caseName: caseName, tensor: path, "stored as \(dtypeName) in a \(dtype) case")
            }
        default: break
        }
        return self
    }
}
