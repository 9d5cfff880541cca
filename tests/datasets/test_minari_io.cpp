// The Minari reader against the real `minari` package: datasets made with its DataCollector over
// gymnasium's Hopper-v5 (episodes that terminate and episodes truncated by the time limit) read
// in C++ give the episodes, lengths, returns, flags and observation/action sums that Python reads
// back with minari.load_dataset; broken copies give errors naming the file and key.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include "common/json_value.h"
#include "datasets/episodes.h"
#include "datasets/minari_io.h"
#include "tests/expect_text.h"

namespace mindt::datasets {
namespace {

namespace fs = std::filesystem;

// One set of datasets for the whole suite: making them starts Python and MuJoCo.
class MinariDatasets : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new std::string(fs::temp_directory_path() / ("mindt_minari_" + std::to_string(::getpid())));
    fs::remove_all(*root_);
    fs::create_directories(*root_);
    const std::string out = *root_ + "/summary.json";
    const std::string command = std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tests/datasets/minari_make.py " +
                                *root_ + " > " + out + " 2> " + *root_ + "/log.txt";
    made_ = std::system(command.c_str()) == 0;
    if (made_) summary_ = new json::Value(json::parse_file(out));
    ::setenv("MINARI_DATASETS_PATH", root_->c_str(), 1);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*root_);
    delete root_;
    delete summary_;
  }
  void SetUp() override { ASSERT_TRUE(made_) << "minari_make.py failed; see " << *root_ << "/log.txt"; }

  static std::string error_of(const std::string& id) {
    try {
      read_minari(id);
    } catch (const DataError& e) {
      return e.what();
    }
    return "no error";
  }

  static std::string* root_;
  static json::Value* summary_;
  static bool made_;
};
std::string* MinariDatasets::root_ = nullptr;
json::Value* MinariDatasets::summary_ = nullptr;
bool MinariDatasets::made_ = false;

TEST_F(MinariDatasets, EpisodesEqualWhatMinariReadsBack) {
  ReadOptions options;
  options.next_observations = true;
  const D4rlDataset d = read_minari("test/hopper/mixed-v0", options);
  EXPECT_EQ(d.obs_dim(), 11);
  EXPECT_EQ(d.act_dim(), 3);
  EXPECT_EQ(d.size(), summary_->at("total_steps").as_integer());
  EXPECT_EQ(std::get<std::string>(d.metadata.at("env")), "Hopper-v5");
  EXPECT_EQ(std::get<double>(d.metadata.at("minari/ref_max_score")), 3234.3);
  const std::vector<Episode> episodes = split_episodes(d.terminals, d.timeouts, d.rewards);
  const auto& expected = summary_->at("episodes").as_array();
  ASSERT_EQ(episodes.size(), expected.size());
  int terminated = 0, truncated = 0;
  for (size_t i = 0; i < episodes.size(); ++i) {
    const Episode& e = episodes[i];
    const json::Value& x = expected[i];
    ASSERT_EQ(e.length, x.at("length").as_integer()) << "episode " << i;
    const bool term = x.at("terminated").as_bool(), trunc = x.at("truncated").as_bool();
    EXPECT_EQ(e.end, term ? EpisodeEnd::kTerminated : EpisodeEnd::kTimeout) << "episode " << i;
    EXPECT_EQ(d.timeouts[e.start + e.length - 1] != 0, trunc) << "episode " << i;
    terminated += term;
    truncated += trunc;
    // Rewards and observations are float64 in the file and float32 in memory (as D4RL's are).
    EXPECT_NEAR(e.episode_return, x.at("return").as_number(), 1e-5 * std::abs(x.at("return").as_number()) + 1e-5);
    double obs = 0, next_obs = 0, act = 0;
    for (int64_t r = e.start; r < e.start + e.length; ++r) {
      for (int64_t c = 0; c < d.obs_dim(); ++c)
        obs += d.observations.row(r)[c], next_obs += d.next_observations.row(r)[c];
      for (int64_t c = 0; c < d.act_dim(); ++c) act += d.actions.row(r)[c];
    }
    EXPECT_NEAR(obs, x.at("obs_sum").as_number(), 1e-4) << "episode " << i;
    EXPECT_NEAR(next_obs, x.at("next_obs_sum").as_number(), 1e-4) << "episode " << i;
    EXPECT_NEAR(act, x.at("act_sum").as_number(), 1e-9) << "episode " << i;  // float32 in both
  }
  EXPECT_GT(terminated, 0);
  EXPECT_GT(truncated, 0);
  // The folder names the same dataset as the id.
  EXPECT_EQ(read_minari(*root_ + "/test/hopper/mixed-v0").size(), d.size());
  EXPECT_TRUE(is_minari_source("test/hopper/mixed-v0"));
  EXPECT_FALSE(is_minari_source("data/hopper-medium-v2.hdf5"));
}

TEST_F(MinariDatasets, BrokenDatasetsAreErrorsNamingTheFileAndKey) {
  // Each broken copy (tests/datasets/minari_make.py) and the part of its error that names the place.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"mujoco/hopper/medium-v0", "no Minari dataset 'mujoco/hopper/medium-v0' in " + *root_},
      {"mujoco/hopper/medium-v0", "minari download mujoco/hopper/medium-v0"},
      {*root_ + "/bad/no-metadata-v0", "not a Minari dataset (no data/metadata.json in it)"},
      {"bad/invalid-json-v0", "invalid-json-v0/data/metadata.json: invalid JSON at byte"},
      {"bad/missing-episode-v0", "main_data.hdf5: group 'episode_5': missing"},
      {"bad/short-observations-v0", "key 'episode_2/observations': has "},
      {"bad/nan-reward-v0", "key 'episode_1/rewards': contains NaN at row 3"},
      {"bad/total-steps-v0", "metadata.json: total_steps: "},
      {"bad/arrow-v0", "data_format: 'arrow': mindt reads the hdf5 backend only"},
      {"bad/discrete-v0", "action_space: a Discrete space; mindt takes Box spaces only"},
      {"bad/image-v0", "observation_space: image observations"},
  };
  for (const auto& [id, expected] : cases) EXPECT_HAS(error_of(id), expected);
}

}  // namespace
}  // namespace mindt::datasets
