"""Writes the sample files the HDF5 wrapper's tests read: Tests/HDF5Tests/Samples/*.h5.

One file, `forms.h5`, holds one instance of every form the wrapper must read as h5py writes it:

    /                       attributes of each kind (see ROOT_ATTRIBUTES)
    /dtypes/<name>          one dataset per dtype: f32 f64 i32 i64 u8 bool (rank 1-2)
    /scalars/f64, /scalars/i64      rank-0 datasets
    /compressed/gz          float32 [20, 10], chunks (5, 10), gzip level 4
    /nested/a/b/leaf        nested groups
    /ordered                track_order=True, members created zeta, alpha, mid (not name order)
    /unordered              default group, members created b, a
    /big_endian             float64 stored big-endian ('>f8')
    /dtypes/f64 attributes  rtol (float64 scalar), tolerance_reason (str): as fixtures put on outputs

Values are closed-form (no random draws), so the file is the same on every run. Run with the project's venv:

    /work/main/tools/.venv/bin/python tools/make_hdf5_samples.py
"""

from __future__ import annotations

import os

import h5py
import numpy as np

GENERATOR = "tools/make_hdf5_samples.py"
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "HDF5Tests", "Samples", "forms.h5")

DTYPES = {
    "f32": (np.arange(6, dtype=np.float32).reshape(2, 3) * np.float32(0.5)),  # 0, 0.5, ..., 2.5
    "f64": (np.arange(6, dtype=np.float64).reshape(3, 2) / 3.0),               # k / 3
    "i32": np.array([-2, -1, 0, 1, 2147483647], dtype=np.int32),
    "i64": np.array([[-(2**40), 0], [1, 2**40]], dtype=np.int64),
    "u8": np.array([0, 1, 127, 128, 255], dtype=np.uint8),
    "bool": np.array([True, False, True, True], dtype=np.bool_),
}

UTF8_TEXT = "attention – 어텐션"


def write(path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # libver v110 at most: Debian's libhdf5 1.10 must read the file (h5py bundles HDF5 2.0).
    with h5py.File(path, "w", libver=("earliest", "v110")) as f:
        a = f.attrs
        a["generator"] = GENERATOR                                   # vlen UTF-8 (h5py's str default)
        a["int64_scalar"] = np.int64(42)
        a["float64_scalar"] = np.float64(0.25)
        a["float32_array"] = np.array([1.5, -2.0, 3.25], dtype=np.float32)
        a["int32_array"] = np.array([[1, 2], [3, 4]], dtype=np.int32)
        a["bool_scalar"] = np.bool_(True)
        a["utf8_vlen"] = UTF8_TEXT
        a.create("ascii_vlen", "plain ascii", dtype=h5py.string_dtype("ascii"))
        a["ascii_fixed"] = np.bytes_(b"fixed ascii")                 # fixed length 11, ASCII
        encoded = UTF8_TEXT.encode("utf-8")
        a.create("utf8_fixed", encoded, dtype=h5py.string_dtype("utf-8", len(encoded)))
        a["string_array"] = ["alpha", "beta", UTF8_TEXT]             # vlen UTF-8, shape (3,)

        dtypes = f.create_group("dtypes")
        for name, values in DTYPES.items():
            dtypes.create_dataset(name, data=values)
        dtypes["f64"].attrs["rtol"] = np.float64(1e-5)
        dtypes["f64"].attrs["tolerance_reason"] = "sample: max rel error 3e-6 measured"

        scalars = f.create_group("scalars")
        scalars.create_dataset("f64", data=np.float64(3.25))
        scalars.create_dataset("i64", data=np.int64(-7))

        compressed = f.create_group("compressed")
        gz = (np.arange(200, dtype=np.float32).reshape(20, 10) - 100) / 8
        compressed.create_dataset("gz", data=gz, chunks=(5, 10), compression="gzip", compression_opts=4)

        f.create_group("nested/a/b").create_dataset("leaf", data=np.array([1, 2, 3], dtype=np.int64))

        ordered = f.create_group("ordered", track_order=True)
        unordered = f.create_group("unordered")
        for index, name in enumerate(["zeta", "alpha", "mid"]):
            ordered.create_dataset(name, data=np.int64(index))
        for index, name in enumerate(["b", "a"]):
            unordered.create_dataset(name, data=np.int64(index))

        f.create_dataset("big_endian", data=np.array([1.0, -2.5, 1e300], dtype=">f8"))


if __name__ == "__main__":
    write(os.path.normpath(OUT))
    print(f"wrote {os.path.normpath(OUT)}")
