// The arrays an HDF5 file holds, by key, with their types and shapes (what `mindt data info` lists),
// for tools that describe a file without including the HDF5 C API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mindt::datasets {

struct KeyInfo {
  std::string key;    // full path without the leading '/', e.g. "infos/qpos"
  std::string dtype;  // "float32", "float64", "bool", "uint8", "int64", "string", …
  std::vector<int64_t> shape;
};

// Every dataset in the HDF5 file at `path`, depth first, sorted by name. Throws DataError when the
// file is missing or not HDF5.
std::vector<KeyInfo> list_keys(const std::string& path);

}  // namespace mindt::datasets
