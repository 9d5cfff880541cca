// LibTorch archives (checkpoints, policy files) written to disk atomically and with every write
// checked. LibTorch's own save_to(filename) cannot report a full disk: its zip writer fails in a
// destructor, and the program aborts. So the archive is serialized in memory first, then written
// by write_atomically, whose failure is an exception naming the file.
//
// Reading: LibTorch's reader checks no CRC-32, so a damaged file can load as other numbers or make
// its unpickler reserve gigabytes; the file is read once, checked entry by entry (common/zip_check),
// and the same bytes are handed to LibTorch.
#pragma once

#include <c10/core/Device.h>

#include <exception>
#include <string>

namespace torch::serialize {
class InputArchive;
class OutputArchive;
}  // namespace torch::serialize

namespace mindt {

// Writes `archive` to `path` atomically; throws std::runtime_error naming `path` (and why: "No
// space left on device", "File too large", "Permission denied", …) and leaves `path` untouched.
void save_archive(torch::serialize::OutputArchive& archive, const std::string& path);

// Loads `path` into `archive` (tensors on `device`) after checking it; returns why the file is not
// a sound archive ("" when it loaded). What LibTorch throws on a sound archive's odd content
// propagates, for the caller to name the file.
std::string load_checked_archive(const std::string& path, torch::serialize::InputArchive& archive,
                                 const c10::Device& device = c10::Device(c10::kCPU));

// An exception's message for users: LibTorch's c10::Error without its backtrace, first line only.
std::string error_text(const std::exception& e);

}  // namespace mindt
