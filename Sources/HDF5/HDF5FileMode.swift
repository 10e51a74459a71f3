/// How `HDF5File.open` opens a file.
public enum HDF5FileMode: Sendable {
    case readOnly, readWrite
}
