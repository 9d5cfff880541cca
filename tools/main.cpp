#include <malloc.h>

#include <climits>
#include <string>
#include <vector>

#include "tools/cli/command.h"

int main(int argc, char** argv) {
  // LibTorch's CPU allocator has no cache: every tensor is a fresh malloc. glibc serves big blocks
  // with mmap and unmaps them on free, so each new activation pays page faults that cost as much as
  // the kernel itself. Keeping freed memory in the heap (what jemalloc/tcmalloc do) removes that.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, -1);  // never trim the heap top (the int -1 reads as SIZE_MAX)
  return mindt::cli::run_cli(std::vector<std::string>(argv, argv + argc));
}
