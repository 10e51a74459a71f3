/// The order in which `HDF5Group.memberNames` lists members.
///
/// `creation` needs a group created with tracked and indexed creation order (h5py's `track_order=True`);
/// for any other group it falls back to `name`.
public enum HDF5MemberOrder: Sendable {
    case creation, name
}
