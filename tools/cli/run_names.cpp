#include "tools/cli/run_names.h"

#include <filesystem>
#include <iostream>

namespace mindt::cli {

std::string preset_name(const std::string& config_path) {
  const std::filesystem::path p(config_path);
  std::string name = p.stem().string();
  const std::string folder = p.parent_path().filename().string();
  if (!folder.empty() && folder != "configs" && folder != ".") name = folder + "-" + name;
  return name;
}

int report_interrupted(int64_t step, const std::string& checkpoint, const std::string& command,
                       const std::string& run_dir) {
  std::cerr << "interrupted at step " << step << "; checkpoint " << checkpoint << "\nresume with: " << command
            << " --resume " << run_dir << "\n";
  return 130;
}

}  // namespace mindt::cli
