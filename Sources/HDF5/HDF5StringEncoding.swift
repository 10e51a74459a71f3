/// The character set an HDF5 string type declares (`H5T_CSET_ASCII` or `H5T_CSET_UTF8`).
public enum HDF5StringEncoding: Sendable, Equatable {
    case ascii, utf8
}
