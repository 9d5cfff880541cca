// ATen's Vectorized<T> compiled for this host's instruction set, under a CPU_CAPABILITY namespace of
// our own so it cannot clash with LibTorch's copies.
//
// 256-bit AVX2 vectors even where the host has AVX-512: the kernels' reductions across vector lanes
// (the selective scan's B and C gradients) then sum in the same order on every x86 machine, so a
// run reproduces bit for bit across CPU kinds (docs/training.md). The price on an AVX-512 host is
// 1.3-1.5x on the selective scan (measured there: 217-259 ms against 167 ms at B=64 T=512 D=128).
//
// Include this first: the capability macros must be set before any ATen header is read, which is
// also why the files that include it are compiled without the shared precompiled header.
#pragma once

#if defined(__AVX2__)
#define CPU_CAPABILITY_AVX2 1
#endif
#define CPU_CAPABILITY mindt_host
#include <ATen/ATen.h>
#include <ATen/cpu/vec/vec.h>
