// libhdf5 (Debian's libhdf5-dev, include path from pkg-config `hdf5`), plus accessors for the macros Swift
// cannot import: most HDF5 "constants" expand to `(H5OPEN global_id)`, which only exist after H5open().
#include <hdf5.h>

// Library defaults and selections.
static inline hid_t CHDF5_P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t CHDF5_S_ALL(void) { return H5S_ALL; }
static inline hid_t CHDF5_E_DEFAULT(void) { return H5E_DEFAULT; }
static inline size_t CHDF5_T_VARIABLE(void) { return H5T_VARIABLE; }

// File access flags.
static inline unsigned CHDF5_F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned CHDF5_F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline unsigned CHDF5_F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }

// Property list classes.
static inline hid_t CHDF5_P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t CHDF5_P_GROUP_CREATE(void) { return H5P_GROUP_CREATE; }
static inline hid_t CHDF5_P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }

// Native (memory) types.
static inline hid_t CHDF5_T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t CHDF5_T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t CHDF5_T_NATIVE_INT8(void) { return H5T_NATIVE_INT8; }
static inline hid_t CHDF5_T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t CHDF5_T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t CHDF5_T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }

// File (storage) types: little-endian, as h5py writes on x86 and arm64.
static inline hid_t CHDF5_T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t CHDF5_T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t CHDF5_T_STD_I8LE(void) { return H5T_STD_I8LE; }
static inline hid_t CHDF5_T_STD_U8LE(void) { return H5T_STD_U8LE; }
static inline hid_t CHDF5_T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t CHDF5_T_STD_I64LE(void) { return H5T_STD_I64LE; }

// Strings.
static inline hid_t CHDF5_T_C_S1(void) { return H5T_C_S1; }
