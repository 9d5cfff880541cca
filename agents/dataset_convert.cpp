#include "agents/dataset_convert.h"

#include <filesystem>
#include <stdexcept>

#include "datasets/minari_io.h"
#include "envs/d4rl_scores.h"
#include "envs/env_specs.h"
#include "envs/registry.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

bool is_d4rl_path(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  return ext == ".hdf5" || ext == ".h5";
}

std::string text_metadata(const datasets::D4rlDataset& d, const std::string& key) {
  const auto it = d.metadata.find(key);
  if (it == d.metadata.end()) return "";
  const auto* text = std::get_if<std::string>(&it->second);
  return text ? *text : "";
}

}  // namespace

std::string dataset_format(const std::string& path) { return datasets::is_minari_source(path) ? "minari" : "d4rl"; }

ConvertResult write_dataset(const std::string& out, const datasets::D4rlDataset& d, const ConvertOptions& o) {
  const envs::EnvGuess guess = envs::guess_env(d.obs_dim(), d.act_dim(), text_metadata(d, "env"), o.env);
  if (guess.env.empty()) throw std::runtime_error(out + ": cannot tell which env the data is from (" + guess.how + ")");
  ConvertResult r{guess.env, "", is_d4rl_path(out) ? "d4rl" : "minari", d.size()};
  if (r.to_format == "d4rl") {
    datasets::D4rlDataset copy = d;
    if (text_metadata(copy, "env").empty()) copy.metadata["env"] = guess.env;
    datasets::write_d4rl(out, copy);
    return r;
  }
  datasets::MinariInfo info;
  info.dataset_id =
      o.dataset_id.empty() ? "mindt/" + guess.env + "/" + fs::path(out).filename().string() + "-v0" : o.dataset_id;
  info.env_spec = envs::gymnasium_env_spec_json(guess.env);
  info.observation_space = envs::observation_space_json(guess.env);
  info.action_space = envs::action_space_json(guess.env);
  info.algorithm_name = !o.algorithm.empty()                     ? o.algorithm
                        : !text_metadata(d, "algorithm").empty() ? text_metadata(d, "algorithm")
                                                                 : "unknown";
  const envs::ReferenceScores scores = envs::reference_scores(guess.env);  // D4RL's, so scores carry over
  info.ref_min_score = scores.random_return;
  info.ref_max_score = scores.expert_return;
  datasets::write_minari(out, d, info);
  return r;
}

ConvertResult convert_dataset(const std::string& in, const std::string& out, const ConvertOptions& o) {
  datasets::ReadOptions read;
  read.next_observations = true;
  const datasets::D4rlDataset d = datasets::read_dataset_guarded(in, read);
  ConvertResult r = write_dataset(out, d, o);
  r.from_format = dataset_format(in);
  return r;
}

}  // namespace mindt
