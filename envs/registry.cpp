#include "envs/registry.h"

#include <stdexcept>

#include "envs/locomotion_tasks.h"

namespace mindt::envs {

const std::vector<EnvEntry>& env_registry() {
  // Reference scores: D4RL's infos.py. DT targets: the Decision Transformer paper's D4RL setup.
  static const std::vector<EnvEntry> entries = {
      {"halfcheetah", "HalfCheetah-v4", half_cheetah_spec, {-280.178953, 12135.0}, {12000, 6000}},
      {"hopper", "Hopper-v4", hopper_spec, {-20.272305, 3234.3}, {3600, 1800}},
      {"walker2d", "Walker2d-v4", walker2d_spec, {1.629008, 4592.3}, {5000, 2500}},
  };
  return entries;
}

std::string unknown_env_message(const std::string& name) {
  std::string known;
  for (const EnvEntry& e : env_registry()) known += (known.empty() ? "" : ", ") + e.name;
  return "unknown env '" + name + "' (known: " + known + ")";
}

const EnvEntry& find_env(const std::string& name) {
  for (const EnvEntry& e : env_registry()) {
    if (e.name == name) return e;
  }
  throw std::invalid_argument(unknown_env_message(name));
}

}  // namespace mindt::envs
