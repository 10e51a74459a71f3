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
        let attributes = AttributeReader(file: file, caseName: caseName, path: path, object: dataset)
        let expectNonfinite = try attributes.flag("expect_nonfinite") ?? false
        if !expectNonfinite { try requireFinite(tensor, path) }
        let rtol = try attributes.tolerance("rtol")
        let atol = try attributes.tolerance("atol")
        var override: (rtol: Double, atol: Double, reason: String)?
        switch (rtol, atol) {
        case (nil, nil):
            override = nil
        case (let rtol?, let atol?):
            guard let reason = try attributes.string("tolerance_reason"), !reason.isEmpty else {
                throw FixtureError(file: file, caseName: caseName, tensor: path, kind: "tolerance", "a tolerance override needs a 'tolerance_reason'")
            }
            override = (rtol, atol, reason)
        default:
            throw FixtureError(file: file, caseName: caseName, tensor: path, kind: "tolerance", "a tolerance override needs both 'rtol' and 'atol'")
        }
        return .init(name: name, tensor: tensor, toleranceOverride: override, expectNonfinite: expectNonfinite, shadow: nil)
    }

    /// `shadow/<name>`: a float64 dataset of the output's shape (NaN/Inf allowed where the output expects them).
    func readShadow(_ group: HDF5Group, _ name: String, for output: FixtureCase.ExpectedOutput) throws(FixtureError) -> Tensor<Double> {
        let path = "shadow/\(name)"
        let tensor = try read(group, path, floatingAs: "float64")
        guard case .float64(let values) = tensor else {
            throw FixtureError(file: file, caseName: caseName, tensor: path, kind: "dtype", "a shadow is float64, found \(tensor.dtypeName)")
        }
        guard values.shape == output.tensor.shape else {
            throw FixtureError(
                file: file, caseName: caseName, tensor: path, kind: "shape",
                "shape \(values.shape) differs from outputs/\(name) \(output.tensor.shape)")
        }
        if !output.expectNonfinite { try requireFinite(tensor, path) }
        return values
    }

    /// `printed/<name>`: a float64 value with `cell`, `of` (`outputs/<t>`) and `atol`, or an int64 shape with
    /// `of` = `outputs/<t>.shape`.
    func readPrinted(_ group: HDF5Group, _ name: String) throws(FixtureError) -> FixtureCase.PrintedValue {
        let path = "printed/\(name)"
        let dataset = try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) in try group.dataset(path) }
        let attributes = AttributeReader(file: file, caseName: caseName, path: path, object: dataset)
        guard let cell = try attributes.string("cell"), let of = try attributes.string("of") else {
            throw FixtureError(file: file, caseName: caseName, tensor: path, "a printed value needs string attributes 'cell' and 'of'")
        }
        guard of.hasPrefix("outputs/"), of.count > "outputs/".count else {
            throw FixtureError(file: file, caseName: caseName, tensor: path, "'of' is '\(of)', expected 'outputs/<name>' or 'outputs/<name>.shape'")
        }
        let target = String(of.dropFirst("outputs/".count))
        if target.hasSuffix(".shape") {
            guard case .int64(let shape) = try read(group, path), shape.rank == 1 else {
                throw FixtureError(file: file, caseName: caseName, tensor: path, kind: "dtype", "a printed shape is an int64 vector")
            }
            return .init(name: name, cell: cell, tensor: String(target.dropLast(".shape".count)), check: .shape(shape.scalars.map { Int($0) }))
        }
        let tensor = try read(group, path, floatingAs: "float64")
        guard case .float64(let values) = tensor else {
            throw FixtureError(file: file, caseName: caseName, tensor: path, kind: "dtype", "a printed value is float64, found \(tensor.dtypeName)")
        }
        try requireFinite(tensor, path)
        guard let atol = try attributes.tolerance("atol") else {
            throw FixtureError(file: file, caseName: caseName, tensor: path, kind: "tolerance", "a printed value needs 'atol' (half its last printed digit)")
        }
        return .init(
            name: name, cell: cell, tensor: target, check: .values(values, atol: atol),
            toleranceReason: try attributes.string("tolerance_reason"))
    }

    /// The dataset at `path` (relative to the case), as the element type it is stored in.
    func read(_ group: HDF5Group, _ path: String, floatingAs floating: String? = nil) throws(FixtureError) -> AnyTensor {
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
        }.checkedFloating(floating ?? dtype, file, caseName, path)
    }

    func requireFinite(_ tensor: AnyTensor, _ path: String) throws(FixtureError) {
        let values = tensor.doubles
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            let count = values.count { !$0.isFinite }
            throw FixtureError(
                file: file, caseName: caseName, tensor: path, kind: "nonfinite",
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
                throw FixtureError(file: file, caseName: caseName, tensor: path, kind: "dtype", "stored as \(dtypeName), expected \(dtype)")
            }
        default: break
        }
        return self
    }
}

/// Reads the optional attributes of one dataset or group, each checked for its documented type and shape.
struct AttributeReader {
    let file: String
    let caseName: String?
    let path: String?
    let object: any HDF5AttributeHolder

    private func fail(_ key: String, _ message: String, kind: String = "schema") -> FixtureError {
        FixtureError(file: file, caseName: caseName, tensor: path, kind: kind, "attribute '\(key)' \(message)")
    }

    private func stored(_ key: String) throws(FixtureError) -> (HDF5StoredType, [Int])? {
        try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) -> (HDF5StoredType, [Int])? in
            guard try object.hasAttribute(key) else { return nil }
            return (try object.attributeStoredType(key), try object.attributeShape(key))
        }
    }

    /// A string scalar (or a 1-element string array).
    func string(_ key: String) throws(FixtureError) -> String? {
        guard let (type, _) = try stored(key) else { return nil }
        guard case .string = type else { throw fail(key, "is stored as \(type), expected a string") }
        return try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) in try object.readStringAttribute(key) }
    }

    /// An integer scalar; `exactly` refuses floats, arrays and bools.
    func integer(_ key: String) throws(FixtureError) -> Int64? {
        guard let (type, shape) = try stored(key) else { return nil }
        switch type {
        case .signedInteger, .unsignedInteger: break
        default: throw fail(key, "is stored as \(type), expected an integer scalar")
        }
        guard shape == [] else { throw fail(key, "has shape \(shape), expected a scalar") }
        return try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) in
            try object.readAttribute(key, as: Int64.self, allowingConversion: true)[0]
        }
    }

    /// A bool (h5py's bool enum) or an integer 0/1, scalar.
    func flag(_ key: String) throws(FixtureError) -> Bool? {
        guard let (type, shape) = try stored(key) else { return nil }
        guard shape == [] || shape == [1] else { throw fail(key, "has shape \(shape), expected a scalar bool") }
        switch type {
        case .bool:
            return try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) in try object.readAttribute(key, as: Bool.self)[0] }
        case .signedInteger, .unsignedInteger:
            let value = try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) in
                try object.readAttribute(key, as: Int64.self, allowingConversion: true)[0]
            }
            guard value == 0 || value == 1 else { throw fail(key, "is \(value), expected a bool (0 or 1)") }
            return value == 1
        default:
            throw fail(key, "is stored as \(type), expected a bool")
        }
    }

    /// A finite non-negative floating (or integer) scalar: `rtol`, `atol`.
    func tolerance(_ key: String) throws(FixtureError) -> Double? {
        guard let (type, shape) = try stored(key) else { return nil }
        switch type {
        case .float, .signedInteger, .unsignedInteger: break
        default: throw fail(key, "is stored as \(type), expected a float64 scalar", kind: "tolerance")
        }
        guard shape == [] || shape == [1] else { throw fail(key, "has shape \(shape), expected a scalar", kind: "tolerance") }
        let value = try FixtureLoader.hdf5(file, caseName, path) { () throws(HDF5Error) in
            try object.readAttribute(key, as: Double.self, allowingConversion: true)[0]
        }
        guard value.isFinite, value >= 0 else { throw fail(key, "is \(value), expected a finite number >= 0", kind: "tolerance") }
        return value
    }
}
