// `mindt data make` as a user runs it: a small dataset made from a shipped behaviour policy is the
// same file twice over, passes our reader, and h5py finds D4RL's keys in it; medium-expert is the two
// parts stitched; bad requests are explained and write nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <tuple>

#include "common/json_value.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "tests/expect_text.h"
#include "tests/tools/run_capturing.h"

namespace mindt {
namespace {

using namespace datasets;

namespace fs = std::filesystem;

std::pair<int, std::string> run(const std::string& arguments, const std::string& dir) {
  return mindt::testing::run_capturing(std::string(MINDT_BINARY) + " " + arguments, dir + "/printed.txt");
}

std::string bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct DataMake : ::testing::Test {
  std::string dir = ::testing::TempDir() + "/data_make_" + std::to_string(::getpid());
  void SetUp() override {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(DataMake, ShippedPolicyGivesTheSameD4rlFileTwice) {
  const std::string a = dir + "/a.hdf5", b = dir + "/b.hdf5";
  for (const auto& out : {a, b}) {
    const auto [status, text] = run("data make hopper-medium --transitions 5000 --seed 3 --quiet --out " + out, dir);
    ASSERT_EQ(status, 0) << text;
    EXPECT_HAS(text, "wrote " + out + ": 5000 transitions");
  }
  EXPECT_EQ(bytes_of(a), bytes_of(b)) << "the same seed must give the same bytes";
  EXPECT_NE(bytes_of(a),
            bytes_of((run("data make hopper-medium --transitions 5000 --seed 4 --quiet --out " + dir + "/c.hdf5", dir),
                      dir + "/c.hdf5")));

  datasets::ReadOptions read;
  read.infos = true;
  read.next_observations = true;
  const datasets::D4rlDataset d = datasets::read_d4rl(a, read);
  EXPECT_EQ(d.size(), 5000);
  EXPECT_EQ(std::get<std::string>(d.metadata.at("env")), "hopper-medium-v2");
  EXPECT_EQ(std::get<std::string>(d.metadata.at("algorithm")), "SAC");
  // The shipped medium policy walks: its episodes are far longer and richer than a random policy's
  // (≈ 20 steps, return ≈ 18).
  double total = 0;
  int64_t finished = 0;
  for (const auto& e : datasets::split_episodes(d.terminals, d.timeouts, d.rewards)) {
    if (e.end == datasets::EpisodeEnd::kUnfinished) continue;
    total += e.episode_return;
    ++finished;
  }
  ASSERT_GT(finished, 0);
  EXPECT_GT(total / double(finished), 500.0);

  const std::string check =
      std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tests/tools/h5py_d4rl_keys.py " + a + " 11 3 6 5000";
  EXPECT_EQ(std::system(check.c_str()), 0) << check;
}

TEST_F(DataMake, MediumExpertIsMediumCutAtAnEpisodeEndThenExpert) {
  const std::string out = dir + "/me.hdf5";
  const auto [status, text] = run("data make hopper-medium-expert --transitions 3000 --quiet --out " + out, dir);
  ASSERT_EQ(status, 0) << text;
  const datasets::D4rlDataset d = datasets::read_d4rl(out);
  const auto medium = datasets::read_d4rl(
      (run("data make hopper-medium --transitions 3000 --quiet --out " + dir + "/m.hdf5", dir), dir + "/m.hdf5"));
  int64_t cut = medium.size();
  while (!medium.terminals[cut - 1] && !medium.timeouts[cut - 1]) --cut;
  EXPECT_EQ(d.size(), cut + 3000);
  EXPECT_TRUE(std::equal(medium.observations.data.begin(), medium.observations.data.begin() + cut * 11,
                         d.observations.data.begin()));
}

// The mean return `data make` prints in its "wrote FILE: N transitions, ..., mean return R" line.
double printed_mean_return(const std::string& text) {
  const auto at = text.find("mean return ");
  if (at == std::string::npos) throw std::runtime_error("no mean return in: " + text);
  return std::stod(text.substr(at + 12));
}

// Every shipped pair is what its names promise: the expert policy, rolled out with sampled actions
// as `data make` does, earns clearly more than the medium one of its env.
TEST_F(DataMake, EveryShippedExpertOutscoresItsMedium) {
  int pairs = 0;
  for (const auto& entry : fs::directory_iterator(std::string(MINDT_SOURCE_DIR) + "/agents/behaviour_policies")) {
    const std::string name = entry.path().filename().string();
    const auto suffix = name.rfind("-expert.pt");
    if (suffix == std::string::npos || suffix + 10 != name.size()) continue;
    const std::string env = name.substr(0, suffix);
    double returns[2];
    int i = 0;
    for (const std::string quality : {"medium", "expert"}) {
      const auto [status, text] = run("data make " + env + "-" + quality + " --transitions 3000 --quiet --out " + dir +
                                          "/" + env + quality + ".hdf5",
                                      dir);
      ASSERT_EQ(status, 0) << text;
      returns[i++] = printed_mean_return(text);
    }
    EXPECT_GT(returns[1], 1.4 * returns[0]) << env << ": medium " << returns[0] << ", expert " << returns[1];
    ++pairs;
  }
  EXPECT_EQ(pairs, 3) << "hopper, walker2d and halfcheetah each ship an expert";
}

// --format minari writes what the real minari package loads, with the numbers of the D4RL file of
// the same seed; converted back, the D4RL file's arrays come back unchanged.
TEST_F(DataMake, MinariOutputLoadsInMinariAndConvertsBack) {
  const std::string d4rl = dir + "/d.hdf5", root = dir + "/minari", minari = root + "/mindt/hopper/medium-v0";
  ASSERT_EQ(run("data make hopper-medium --transitions 3000 --seed 5 --quiet --out " + d4rl, dir).first, 0);
  const auto [status, text] =
      run("data make hopper-medium --transitions 3000 --seed 5 --quiet --format minari --out " + minari, dir);
  ASSERT_EQ(status, 0) << text;
  const std::string load = std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tests/tools/minari_load.py " + root +
                           " mindt/hopper/medium-v0 > " + dir + "/loaded.json 2> " + dir + "/loaded.err";
  ASSERT_EQ(std::system(load.c_str()), 0) << bytes_of(dir + "/loaded.err");
  const json::Value loaded = json::parse_file(dir + "/loaded.json");
  ReadOptions with_next;
  with_next.next_observations = true;
  const D4rlDataset d = read_d4rl(d4rl, with_next);
  const std::vector<Episode> episodes = split_episodes(d.terminals, d.timeouts, d.rewards);
  EXPECT_EQ(loaded.at("env").as_string(), "Hopper-v4");
  EXPECT_EQ(loaded.at("total_steps").as_integer(), d.size());
  const auto& got = loaded.at("episodes").as_array();
  ASSERT_EQ(got.size(), episodes.size());
  for (size_t i = 0; i < episodes.size(); ++i) {
    const Episode& e = episodes[i];
    double obs = 0, final_obs = 0, act = 0;
    for (int64_t r = e.start; r < e.start + e.length; ++r) {
      for (int64_t c = 0; c < d.obs_dim(); ++c) obs += d.observations.row(r)[c];
      for (int64_t c = 0; c < d.act_dim(); ++c) act += d.actions.row(r)[c];
    }
    for (int64_t c = 0; c < d.obs_dim(); ++c) final_obs += d.next_observations.row(e.start + e.length - 1)[c];
    EXPECT_EQ(got[i].at("length").as_integer(), e.length) << i;
    EXPECT_NEAR(got[i].at("return").as_number(), e.episode_return, 1e-9 * std::abs(e.episode_return)) << i;
    EXPECT_EQ(got[i].at("terminated").as_bool(), e.end == EpisodeEnd::kTerminated) << i;
    EXPECT_EQ(got[i].at("truncated").as_bool(), e.end != EpisodeEnd::kTerminated) << i;  // the cut tail too
    EXPECT_NEAR(got[i].at("obs_sum").as_number(), obs, 1e-9 * (1 + std::abs(obs))) << i;
    EXPECT_NEAR(got[i].at("final_obs_sum").as_number(), final_obs, 1e-9 * (1 + std::abs(final_obs))) << i;
    EXPECT_NEAR(got[i].at("act_sum").as_number(), act, 1e-9 * (1 + std::abs(act))) << i;
  }
  // Back to D4RL's layout: the same arrays (the cut tail comes back as a timeout).
  const std::string back = dir + "/back.hdf5";
  ASSERT_EQ(run("data convert " + minari + " " + back, dir).first, 0);
  const D4rlDataset again = read_d4rl(back, with_next);
  EXPECT_EQ(again.observations.data, d.observations.data);
  EXPECT_EQ(again.next_observations.data, d.next_observations.data);
  EXPECT_EQ(again.actions.data, d.actions.data);
  EXPECT_EQ(again.rewards, d.rewards);
  EXPECT_EQ(again.terminals, d.terminals);
  std::vector<uint8_t> timeouts = d.timeouts;
  if (episodes.back().end == EpisodeEnd::kUnfinished) timeouts.back() = 1;
  EXPECT_EQ(again.timeouts, timeouts);
  // An existing output is refused, and nothing is written over it.
  EXPECT_NE(run("data convert " + d4rl + " " + minari, dir).first, 0);
}

TEST_F(DataMake, ExplainsBadRequestsAndWritesNothing) {
  auto [status, text] = run("data make hopper-average --out " + dir + "/x.hdf5", dir);
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "'hopper-average' is not ENV-QUALITY");
  std::tie(status, text) = run("data make hopper-medium --policy " + dir + "/none.pt --out " + dir + "/x.hdf5", dir);
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, dir + "/none.pt: no such policy file");
  std::tie(status, text) = run("data make walker2d-medium --policy " + std::string(MINDT_SOURCE_DIR) +
                                   "/agents/behaviour_policies/hopper-medium.pt --out " + dir + "/x.hdf5",
                               dir);
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "is a policy for hopper, not walker2d");
  std::tie(status, text) = run("data make hopper-medium-replay --out " + dir + "/x.hdf5", dir);
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "give --sac-run RUN_DIR");
  EXPECT_FALSE(fs::exists(dir + "/x.hdf5"));

  std::ofstream(dir + "/taken.hdf5") << "keep me";
  std::tie(status, text) = run("data make hopper-random --transitions 100 --out " + dir + "/taken.hdf5", dir);
  EXPECT_NE(status, 0);
  EXPECT_HAS(text, "exists; pass --force");
  std::tie(status, text) =
      run("data make hopper-random --transitions 100 --if-absent --out " + dir + "/taken.hdf5", dir);
  EXPECT_EQ(status, 0);
  EXPECT_EQ(bytes_of(dir + "/taken.hdf5"), "keep me");
}

}  // namespace
}  // namespace mindt
