// The arrays an HDF5 file holds, by key, with their types and shapes (what `mindt data info` lists),
// for tools that describe a file without including the HDF5 C API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/errors.h"

namespace mindt::datasets {

struct KeyInfo {
  std::string key;    // full path without the leading '/', e.g. "infos/qpos"
  std::string dtype;  // "float32", "float64", "bool", "uint8", "int64", "string", …
  std::vector<int64_t> shape;
};

// "[1000, 11]": a shape as the messages and `data info` print it.
std::string shape_text(const std::vector<int64_t>& shape);

// The error every dataset reader gives about one key: "PATH: key 'KEY': WHAT".
DataError key_error(const std::string& path, const std::string& key, const std::string& what);

// Every dataset in the HDF5 file at `path`, depth first, sorted by name. Throws DataError when the
// file is missing or not HDF5.
std::vector<KeyInfo> list_keys(const std::string& path);

}  // namespace mindt::datasets
