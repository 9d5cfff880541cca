// ATen's Vectorized<T> compiled for this host's instruction set (AVX2 or AVX-512, as -march=native
// allows), under a CPU_CAPABILITY namespace of our own so it cannot clash with LibTorch's copies.
//
// Include this first: the capability macros must be set before any ATen header is read, which is
// also why the files that include it are compiled without the shared precompiled header.
#pragma once

#if defined(__AVX512F__)
#define CPU_CAPABILITY_AVX512 1
#elif defined(__AVX2__)
#define CPU_CAPABILITY_AVX2 1
#endif
#define CPU_CAPABILITY mindt_host
#include <ATen/ATen.h>
#include <ATen/cpu/vec/vec.h>
