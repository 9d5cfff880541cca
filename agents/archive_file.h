// LibTorch archives (checkpoints, policy files) written to disk atomically and with every write
// checked. LibTorch's own save_to(filename) cannot report a full disk: its zip writer fails in a
// destructor, and the program aborts. So the archive is serialized in memory first, then written
// by write_atomically, whose failure is an exception naming the file.
#pragma once

#include <string>

namespace torch::serialize {
class OutputArchive;
}  // namespace torch::serialize

namespace mindt {

// Writes `archive` to `path` atomically; throws std::runtime_error naming `path` (and why: "No
// space left on device", "File too large", "Permission denied", …) and leaves `path` untouched.
void save_archive(torch::serialize::OutputArchive& archive, const std::string& path);

}  // namespace mindt
