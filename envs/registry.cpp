#include "envs/registry.h"

#include <stdexcept>

#include "envs/locomotion_tasks.h"

namespace mindt::envs {

const std::vector<EnvEntry>& env_registry() {
  // Reference scores: D4RL's infos.py (v5 has none of its own; Minari datasets carry theirs).
  // DT targets: the Decision Transformer paper's D4RL setup.
  const ReferenceScores cheetah{-280.178953, 12135.0}, hopper{-20.272305, 3234.3}, walker{1.629008, 4592.3};
  static const std::vector<EnvEntry> entries = {
      {"halfcheetah", "HalfCheetah-v4", half_cheetah_spec, cheetah, {12000, 6000}, true},
      {"hopper", "Hopper-v4", hopper_spec, hopper, {3600, 1800}, true},
      {"walker2d", "Walker2d-v4", walker2d_spec, walker, {5000, 2500}, true},
      {"halfcheetah-v5", "HalfCheetah-v5", half_cheetah_v5_spec, cheetah, {12000, 6000}, false},
      {"hopper-v5", "Hopper-v5", hopper_v5_spec, hopper, {3600, 1800}, false},
      {"walker2d-v5", "Walker2d-v5", walker2d_v5_spec, walker, {5000, 2500}, false},
  };
  return entries;
}

const std::vector<std::string>& env_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const EnvEntry& e : env_registry()) n.push_back(e.name);
    return n;
  }();
  return names;
}

std::string unknown_env_message(const std::string& name) {
  std::string known;  // every env, v5 included
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
