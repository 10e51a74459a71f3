// SLEEF's AVX-512F and AVX2+FMA u10 kernels, as Sources/CSleef/shim.h calls them, agree bit for bit: every one of
// the 2^32 float inputs and 2^28 double inputs spread over the whole range (two NaNs agree). Needs a CPU with
// AVX-512F; about 90 s. Prints the count of differing inputs per function (all 0 when measured, docs/PERFORMANCE.md).
//   gcc -O2 -I Sources/CSleef tools/sleef_kernels_agree.c -o /tmp/sleef_kernels_agree -lsleef && /tmp/sleef_kernels_agree
#include "shim.h"
#include <stdio.h>
#include <string.h>
#include <stdint.h>
#include <stdlib.h>
#define N (1<<20)
#define CHECKF(fn) { long diff=0; for (uint64_t base=0; base < (1ull<<32); base += N) { \
  for (int i=0;i<N;i++){uint32_t u=(uint32_t)(base+i); memcpy(&xf[i],&u,4);} \
  csleef_##fn##f_avx2(xf,y1,N); csleef_##fn##f_avx512(xf,y2,N); \
  for(int i=0;i<N;i++) if (memcmp(&y1[i],&y2[i],4) && !(y1[i]!=y1[i] && y2[i]!=y2[i])) diff++; } \
  printf(#fn "f: %ld of 2^32 differ\n", diff); }
#define CHECKD(fn) { long diff=0; for (uint64_t base=0; base < (1ull<<28); base += N) { \
  for (int i=0;i<N;i++){uint64_t u=(base+i)<<36 | ((base+i)*0x9E3779B97F4A7C15ull>>28); memcpy(&xd[i],&u,8);} \
  csleef_##fn##d_avx2(xd,z1,N); csleef_##fn##d_avx512(xd,z2,N); \
  for(int i=0;i<N;i++) if (memcmp(&z1[i],&z2[i],8) && !(z1[i]!=z1[i] && z2[i]!=z2[i])) diff++; } \
  printf(#fn "d: %ld of 2^28 differ\n", diff); }
int main(){ float*xf=malloc(4*N),*y1=malloc(4*N),*y2=malloc(4*N); double*xd=malloc(8*N),*z1=malloc(8*N),*z2=malloc(8*N);
CHECKF(exp) CHECKF(tanh) CHECKF(erf) CHECKF(log) CHECKD(exp) CHECKD(tanh) CHECKD(erf) CHECKD(log) }
