// Single-precision GEMM throughput of OpenBLAS (as the environment configures it) and of oneDNN's dnnl_sgemm, row-major
// C = A B^T, best of 10 calls; the figures in docs/PERFORMANCE.md ("GEMM") come from it.
//   gcc -O2 tools/gemm_compare.c -o /tmp/gemm_openblas -lopenblas
//   gcc -O2 -DUSE_DNNL tools/gemm_compare.c -o /tmp/gemm_dnnl -ldnnl -fopenmp
//   /tmp/gemm_openblas <n> <threads> [m] [k]; /tmp/gemm_dnnl <n> <threads> [m] [k]
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#ifdef USE_DNNL
#include <dnnl.h>
#include <omp.h>
#else
#include <cblas.h>
void openblas_set_num_threads(int);
#endif
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){int n=atoi(argv[1]);int th=atoi(argv[2]);int m=argc>3?atoi(argv[3]):n,k=argc>4?atoi(argv[4]):n;
float*a=malloc(4L*m*k),*b=malloc(4L*k*n),*c=malloc(4L*m*n);for(long i=0;i<(long)m*k;i++)a[i]=rand()/(float)RAND_MAX;for(long i=0;i<(long)k*n;i++)b[i]=rand()/(float)RAND_MAX;
#ifdef USE_DNNL
omp_set_num_threads(th);
#else
openblas_set_num_threads(th);
#endif
double best=1e9;for(int r=0;r<10;r++){double t=now();
#ifdef USE_DNNL
dnnl_sgemm('N','T',m,n,k,1.0f,a,k,b,k,0.0f,c,n);
#else
cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasTrans,m,n,k,1.0f,a,k,b,k,0.0f,c,n);
#endif
t=now()-t;if(t<best)best=t;}
printf("%s m%d n%d k%d th%d: %.3f ms %.1f GFLOP/s\n",
#ifdef USE_DNNL
"dnnl",
#else
"openblas",
#endif
m,n,k,th,best*1e3,2.0*m*n*k/best/1e9);}
