// Writing files users keep (checkpoints, datasets, logs) so that a crash or Ctrl-C never leaves a
// half-written file under the final name: write a temporary file beside it, flush it to disk, then
// rename it over the target (rename is atomic within one file system).
#pragma once

#include <functional>
#include <string>

namespace mindt {

// Calls write(temporary_path), then fsyncs the temporary file and renames it to `path`. If write
// throws, the temporary file is removed and the exception propagates; `path` is left untouched.
// Throws std::runtime_error naming the file when the rename or sync fails.
void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write);

// Removes what killed writers left of `path`: the temporaries `path.tmp.<pid>` (files or folders)
// of processes that no longer run. write_atomically calls it first, so rerunning a killed command
// leaves no litter beside its outputs.
void remove_stale_temporaries(const std::string& path);

// write_atomically for a folder (a Minari dataset, a corpus): write(temporary_folder) fills a fresh
// folder beside `dir`, which is then renamed to `dir` whole, so readers see all of it or nothing.
// If write throws, the temporary folder is removed and the exception propagates. `dir` must not exist.
void write_folder_atomically(const std::string& dir, const std::function<void(const std::string&)>& write);

// write_atomically for text: throws (leaving `path` untouched) when the text cannot be written in
// full, e.g. on a full disk.
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace mindt
