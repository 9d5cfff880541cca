#include "envs/registry.h"

#include <stdexcept>

#include "common/json.h"
#include "envs/locomotion_tasks.h"

namespace mindt::envs {

const std::vector<EnvEntry>& env_registry() {
  // Reference scores: D4RL's infos.py (v5 has none of its own; Minari datasets carry theirs).
  // DT targets: the Decision Transformer paper's D4RL setup.
  const ReferenceScores cheetah{-280.178953, 12135.0}, hopper{-20.272305, 3234.3}, walker{1.629008, 4592.3};
  static const std::vector<EnvEntry> entries = {
      {"halfcheetah",
       "HalfCheetah-v4",
       half_cheetah_spec,
       cheetah,
       {12000, 6000},
       true,
       "gymnasium.envs.mujoco.half_cheetah_v4:HalfCheetahEnv",
       4800},
      {"hopper",
       "Hopper-v4",
       hopper_spec,
       hopper,
       {3600, 1800},
       true,
       "gymnasium.envs.mujoco.hopper_v4:HopperEnv",
       3800},
      {"walker2d",
       "Walker2d-v4",
       walker2d_spec,
       walker,
       {5000, 2500},
       true,
       "gymnasium.envs.mujoco.walker2d_v4:Walker2dEnv",
       0},
      {"halfcheetah-v5",
       "HalfCheetah-v5",
       half_cheetah_v5_spec,
       cheetah,
       {12000, 6000},
       false,
       "gymnasium.envs.mujoco.half_cheetah_v5:HalfCheetahEnv",
       4800},
      {"hopper-v5",
       "Hopper-v5",
       hopper_v5_spec,
       hopper,
       {3600, 1800},
       false,
       "gymnasium.envs.mujoco.hopper_v5:HopperEnv",
       3800},
      {"walker2d-v5",
       "Walker2d-v5",
       walker2d_v5_spec,
       walker,
       {5000, 2500},
       false,
       "gymnasium.envs.mujoco.walker2d_v5:Walker2dEnv",
       0},
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

const EnvEntry* find_gymnasium_env(const std::string& id) {
  for (const EnvEntry& e : env_registry()) {
    if (e.gymnasium_id == id) return &e;
  }
  return nullptr;
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

std::string gymnasium_env_spec_json(const std::string& env) {
  const EnvEntry& e = find_env(env);
  json::Writer w;
  w.begin_object().field("id", e.gymnasium_id).field("entry_point", e.gymnasium_entry_point).key("reward_threshold");
  e.reward_threshold > 0 ? w.value(e.reward_threshold) : w.null();
  w.field("nondeterministic", false).field("max_episode_steps", int64_t{locomotion_spec(env).max_episode_steps});
  w.field("order_enforce", true).field("disable_env_checker", false).key("kwargs").begin_object().end_object();
  w.key("additional_wrappers").begin_array().end_array().key("vector_entry_point").null();
  return w.end_object().str();
}

namespace {

// A 1-D float32 Box as Minari serialises it; bounds of ±inf in Python's spelling.
std::string box_json(int64_t size, const std::string& low, const std::string& high) {
  auto repeated = [&](const std::string& value) {
    std::string list = "[";
    for (int64_t i = 0; i < size; ++i) list += (i ? ", " : "") + value;
    return list + "]";
  };
  return R"({"type": "Box", "dtype": "float32", "shape": [)" + std::to_string(size) + "], \"low\": " + repeated(low) +
         ", \"high\": " + repeated(high) + "}";
}

}  // namespace

std::string observation_space_json(const std::string& env) {
  return box_json(make_env(env, 0).obs_dim(), "-Infinity", "Infinity");
}

std::string action_space_json(const std::string& env) {
  // The control range of these tasks' actuators: [-1, 1] each (gym's action_space).
  return box_json(make_env(env, 0).act_dim(), "-1.0", "1.0");
}

}  // namespace mindt::envs
