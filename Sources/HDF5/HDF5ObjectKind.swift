/// What a group member is: a group, a dataset, or anything else (a named datatype, a dangling link).
public enum HDF5ObjectKind: Sendable, Equatable {
    case group, dataset, other
}
