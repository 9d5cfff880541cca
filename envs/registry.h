// The env registry: one entry per environment, holding everything mindt knows about it — its name,
// the task spec it simulates, D4RL's reference scores and the Decision Transformer's evaluation
// targets. Every other place (env_dims, reference_scores, dt_target_returns, make_env, the CLI)
// reads this table, so adding an env is adding one entry to envs/registry.cpp.
#pragma once

#include <string>
#include <vector>

#include "envs/d4rl_scores.h"
#include "envs/locomotion_env.h"

namespace mindt::envs {

struct EnvEntry {
  std::string name;                   // "hopper" (D4RL's name, D4RL's dynamics), "hopper-v5", …
  std::string gymnasium_id;           // the gymnasium environment with the same dynamics: "Hopper-v4"
  LocomotionSpec (*spec)();           // the task's simulation, reward and termination
  ReferenceScores scores;             // D4RL's REF_MIN / REF_MAX (d4rl/infos.py)
  std::vector<double> dt_targets;     // the two returns DT evaluates at, high then low
  bool d4rl = true;                   // the dynamics D4RL's datasets were recorded in (false: v5)
  std::string gymnasium_entry_point;  // "gymnasium.envs.mujoco.hopper_v4:HopperEnv"
  double reward_threshold = 0;        // gymnasium's registration (0: none)
};

// gymnasium's EnvSpec of the env as JSON (what Minari stores as env_spec), and its observation
// and action spaces as Minari serialises them (Box, float32, with Python's Infinity for unbounded).
std::string gymnasium_env_spec_json(const std::string& env);
std::string observation_space_json(const std::string& env);
std::string action_space_json(const std::string& env);

// Every env's name, in registry order: what data.env and the commands accept.
const std::vector<std::string>& env_names();

// Every env: D4RL's three, then gymnasium's v5 versions of them.
const std::vector<EnvEntry>& env_registry();
// The entry named `name`; throws std::invalid_argument naming the known envs otherwise.
const EnvEntry& find_env(const std::string& name);
// The entry whose gymnasium id is `id` ("Hopper-v5"); nullptr when none is.
const EnvEntry* find_gymnasium_env(const std::string& id);
// "unknown env 'NAME' (known: …)": the one message every lookup of an unknown name gives.
std::string unknown_env_message(const std::string& name);

}  // namespace mindt::envs
