#include "agents/run/run_directory.h"

#include <filesystem>
#include <stdexcept>

#include "common/atomic_file.h"

namespace mindt {

namespace fs = std::filesystem;

RunDirectory::RunDirectory(std::string path, bool resume) : path_(std::move(path)), resume_(resume) {
  if (resume_) {
    if (!fs::exists(checkpoint_path())) {
      if (!fs::exists(file("config.yaml")))
        throw std::runtime_error(path_ + ": no checkpoint.pt (and no config.yaml) to resume from");
      starts_over_ = true;  // killed before its first checkpoint: nothing to continue but the config
    }
  } else if (fs::exists(path_) && !fs::is_empty(path_)) {
    throw std::runtime_error(path_ + " already holds a run; resume it with --resume or choose another --out");
  }
}

std::string RunDirectory::file(const std::string& name) const { return (fs::path(path_) / name).string(); }

void RunDirectory::create(const std::string& config_yaml, const std::vector<std::string>& subfolders) {
  fs::create_directories(path_);
  for (const auto& sub : subfolders) fs::create_directories(fs::path(path_) / sub);
  if (resume_) return;
  write_text_atomically(file("config.yaml"), config_yaml);
}

void RunDirectory::open_log(int64_t checkpoint_step) {
  const std::string log_path = file("log.jsonl");
  if (resume_) truncate_log(log_path, checkpoint_step);
  log_.open(log_path, std::ios::app);
  if (!log_) throw std::runtime_error(log_path + ": cannot open the log for writing");
}

void RunDirectory::log(const std::string& json_object) {
  log_ << json_object << "\n" << std::flush;
  if (!log_) throw std::runtime_error(file("log.jsonl") + ": cannot write the log (disk full?)");
}

void truncate_log(const std::string& path, int64_t step) {
  std::ifstream in(path);
  std::string kept;
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find("\"step\": ");
    if (at == std::string::npos) continue;
    if (std::stoll(line.substr(at + 8)) <= step) kept += line + "\n";
  }
  write_text_atomically(path, kept);
}

}  // namespace mindt
