// OpenBLAS's CBLAS interface (Debian's libopenblas-dev; include path from pkg-config `openblas`).
#include <cblas.h>
