// D4RL HDF5 files: our writer and reader round-trip exactly, v0-shaped and h5py-written files load,
// files we write read back in h5py with D4RL's keys and dtypes, and every kind of bad input is a
// DataError naming the file and the key.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "datasets/d4rl_dataset.h"
#include "datasets/episodes.h"
#include "datasets/hdf5.h"
#include "tests/datasets/fixtures.h"
#include "tests/expect_text.h"

namespace mindt::datasets {
namespace {

using mindt::testing::make_dataset;

std::string temp_path(const std::string& name) { return ::testing::TempDir() + "/" + name; }

D4rlDataset full_dataset() {
  D4rlDataset d = make_dataset({4, 3, 2}, {1, 2, 0}, 5, 2);
  d.next_observations = d.observations;
  for (auto& x : d.next_observations.data) x += 1;
  d.infos["qpos"] = {std::vector<float>(9 * 6, 0.5f), 9, 6};
  d.infos["qvel"] = {std::vector<float>(9 * 6, -0.5f), 9, 6};
  d.infos["action_log_probs"] = {std::vector<float>(9, -1.25f), 9, 1};
  d.metadata["algorithm"] = std::string("SAC");
  d.metadata["policy/return"] = 1234.5;
  d.metadata["seed"] = int64_t(7);
  return d;
}

TEST(D4rlFile, WriteThenReadIsIdentical) {
  const D4rlDataset d = full_dataset();
  const std::string path = temp_path("roundtrip.hdf5");
  write_d4rl(path, d);
  ReadOptions all;
  all.next_observations = all.infos = true;
  const D4rlDataset back = read_d4rl(path, all);
  EXPECT_EQ(back.observations.data, d.observations.data);
  EXPECT_EQ(back.observations.cols, 5);
  EXPECT_EQ(back.actions.data, d.actions.data);
  EXPECT_EQ(back.rewards, d.rewards);
  EXPECT_EQ(back.terminals, d.terminals);
  EXPECT_EQ(back.timeouts, d.timeouts);
  EXPECT_EQ(back.next_observations.data, d.next_observations.data);
  ASSERT_EQ(back.infos.size(), 3u);
  EXPECT_EQ(back.infos.at("qpos").data, d.infos.at("qpos").data);
  EXPECT_EQ(back.infos.at("qpos").cols, 6);
  EXPECT_EQ(back.infos.at("action_log_probs").data, d.infos.at("action_log_probs").data);
  EXPECT_EQ(back.metadata, d.metadata);
  std::filesystem::remove(path);
}

TEST(D4rlFile, EpisodesOfAFileMatchTheHandBuiltFixture) {
  // rows 0-3 end in a terminal, 4-6 in a timeout, 7-8 are an unfinished tail.
  const std::string path = temp_path("episodes.hdf5");
  write_d4rl(path, make_dataset({4, 3, 2}, {1, 2, 0}));
  const D4rlDataset d = read_d4rl(path);
  const auto episodes = split_episodes(d.terminals, d.timeouts, d.rewards);
  ASSERT_EQ(episodes.size(), 3u);
  EXPECT_EQ(episodes[0].length, 4);
  EXPECT_EQ(episodes[0].end, EpisodeEnd::kTerminated);
  EXPECT_EQ(episodes[1].start, 4);
  EXPECT_EQ(episodes[1].end, EpisodeEnd::kTimeout);
  EXPECT_EQ(episodes[2].start, 7);
  EXPECT_EQ(episodes[2].length, 2);
  EXPECT_EQ(episodes[2].end, EpisodeEnd::kUnfinished);
  std::filesystem::remove(path);
}

// Writes a file key by key, the way D4RL's older files or other tools might have.
void write_raw(const std::string& path, const std::function<void(H5File&)>& fill) {
  H5File file = H5File::create(path);
  fill(file);
}

TEST(D4rlFile, V0FilesWithoutTimeoutsOrNextObservationsAndWithFloatFlagsLoad) {
  const std::string path = temp_path("v0.hdf5");
  write_raw(path, [](H5File& f) {
    f.write_floats("observations", std::vector<float>(4 * 3, 1.f), {4, 3});
    f.write_floats("actions", std::vector<float>(4 * 2, 0.f), {4, 2});
    f.write_floats("rewards", {1, 2, 3, 4}, {4, 1});  // [N, 1], as medium-replay files store them
    f.write_floats("terminals", {0, 1, 0, 0}, {4});   // float flags
  });
  ReadOptions all;
  all.next_observations = all.infos = true;
  const D4rlDataset d = read_d4rl(path, all);
  EXPECT_EQ(d.size(), 4);
  EXPECT_TRUE(d.timeouts.empty());
  EXPECT_EQ(d.next_observations.rows, 0);
  EXPECT_EQ(d.terminals, (std::vector<uint8_t>{0, 1, 0, 0}));
  EXPECT_EQ(d.rewards, (std::vector<float>{1, 2, 3, 4}));
  std::filesystem::remove(path);
}

std::string read_error(const std::string& path) {
  try {
    read_d4rl(path);
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no error)";
}

// A valid file, then one key replaced by `fill`'s version.
// A fill for error_with that writes one float array.
std::function<void(H5File&)> floats(const std::string& key, std::vector<float> values, std::vector<int64_t> shape) {
  return [=](H5File& f) { f.write_floats(key, values, shape); };
}

std::string error_with(const std::string& name, const std::function<void(H5File&)>& fill,
                       const std::vector<std::string>& skip = {}) {
  const std::string path = temp_path(name);
  const D4rlDataset d = make_dataset({3, 2}, {1, 0}, 3, 2);
  write_raw(path, [&](H5File& f) {
    auto keep = [&](const std::string& k) { return std::find(skip.begin(), skip.end(), k) == skip.end(); };
    if (keep("observations")) f.write_floats("observations", d.observations.data, {5, 3});
    if (keep("actions")) f.write_floats("actions", d.actions.data, {5, 2});
    if (keep("rewards")) f.write_floats("rewards", d.rewards, {5});
    if (keep("terminals")) f.write_flags("terminals", d.terminals);
    fill(f);
  });
  const std::string error = read_error(path);
  std::filesystem::remove(path);
  return error;
}

TEST(D4rlFile, BadInputsAreClearErrors) {
  EXPECT_HAS(read_error("/nonexistent/hopper.hdf5"), "/nonexistent/hopper.hdf5: no such file");

  const std::string text = temp_path("text.hdf5");
  std::ofstream(text) << "observations,actions\n1,2\n";
  EXPECT_HAS(read_error(text), text + ": not an HDF5 file");
  std::filesystem::remove(text);

  const std::string p = temp_path("");
  EXPECT_HAS(error_with("no_actions.hdf5", [](H5File&) {}, {"actions"}), "no_actions.hdf5: key 'actions': missing");
  EXPECT_HAS(error_with("short.hdf5", floats("timeouts", {0, 0, 0, 0}, {4})),
             "short.hdf5: key 'timeouts': has 4 rows, but 'observations' has 5");
  EXPECT_HAS(error_with("rank.hdf5", floats("observations", std::vector<float>(15), {15}), {"observations"}),
             "rank.hdf5: key 'observations': expected a 2-D array [N, dim], got shape [15]");
  EXPECT_HAS(error_with("rank3.hdf5", floats("rewards", std::vector<float>(10), {5, 2}), {"rewards"}),
             "rank3.hdf5: key 'rewards': expected a 1-D array [N] (or [N, 1]), got shape [5, 2]");
  std::vector<float> nan_obs(15, 0.f);
  nan_obs[7] = std::nanf("");
  EXPECT_HAS(error_with("nan.hdf5", floats("observations", nan_obs, {5, 3}), {"observations"}),
             "nan.hdf5: key 'observations': contains NaN at row 2, column 1");
  EXPECT_HAS(error_with("inf.hdf5", floats("rewards", {0, 0, 0, INFINITY, 0}, {5}), {"rewards"}),
             "inf.hdf5: key 'rewards': contains inf at row 3");
  std::vector<float> nan_act(10, 0.f);
  nan_act[9] = std::nanf("");
  EXPECT_HAS(error_with("nan_act.hdf5", floats("actions", nan_act, {5, 2}), {"actions"}),
             "nan_act.hdf5: key 'actions': contains NaN at row 4, column 1");
  EXPECT_HAS(error_with("flags.hdf5", floats("terminals", {0, 2, 0, 0, 0}, {5}), {"terminals"}),
             "flags.hdf5: key 'terminals': expected flags of 0 or 1, got 2.000000 at row 1");
  EXPECT_HAS(error_with("strings.hdf5", [](H5File& f) { f.write_string("actions", "left"); }, {"actions"}),
             "strings.hdf5: key 'actions': expected a 2-D array");
  EXPECT_HAS(error_with("empty.hdf5",
                        [](H5File& f) {
                          f.write_floats("observations", {}, {0, 3});
                          f.write_floats("actions", {}, {0, 2});
                          f.write_floats("rewards", {}, {0});
                          f.write_flags("terminals", {});
                        },
                        {"observations", "actions", "rewards", "terminals"}),
             "empty.hdf5: key 'observations': the dataset is empty (0 transitions)");
}

TEST(D4rlFile, AFailedWriteLeavesNoFile) {
  D4rlDataset d = make_dataset({3}, {1});
  d.rewards[1] = std::nanf("");
  const std::string path = temp_path("never.hdf5");
  EXPECT_THROW(write_d4rl(path, d), DataError);
  EXPECT_FALSE(std::filesystem::exists(path));
  for (const auto& entry : std::filesystem::directory_iterator(::testing::TempDir())) {
    EXPECT_EQ(entry.path().filename().string().find("never.hdf5.tmp"), std::string::npos);
  }
}

// h5py (what d4rl and every Python user reads with) against our files, both ways.
int run_python(const std::string& arguments) {
  const std::string command =
      std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tests/datasets/h5py_check.py " + arguments;
  return std::system(command.c_str());
}

TEST(D4rlFile, H5pyReadsOurFilesWithD4rlKeysAndDtypes) {
  const std::string path = temp_path("for_h5py.hdf5");
  write_d4rl(path, full_dataset());
  EXPECT_EQ(run_python("read " + path), 0);
  std::filesystem::remove(path);
}

TEST(D4rlFile, WeReadFilesH5pyWroteTheWayD4rlDid) {
  const std::string path = temp_path("from_h5py.hdf5");
  ASSERT_EQ(run_python("write " + path), 0);
  ReadOptions all;
  all.next_observations = all.infos = true;
  const D4rlDataset d = read_d4rl(path, all);
  // The script's fixture: 7 rows, obs[i, j] = i + j / 10 (float64), rewards [N, 1] float64 = i.
  ASSERT_EQ(d.size(), 7);
  EXPECT_EQ(d.obs_dim(), 4);
  EXPECT_FLOAT_EQ(d.observations.row(5)[3], 5.3f);
  EXPECT_EQ(d.rewards[6], 6.f);
  EXPECT_EQ(d.terminals, (std::vector<uint8_t>{0, 0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(d.timeouts, (std::vector<uint8_t>{0, 0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(d.infos.at("qpos").cols, 5);
  EXPECT_EQ(std::get<std::string>(d.metadata.at("algorithm")), "SAC");
  EXPECT_EQ(std::get<std::string>(d.metadata.at("fixed_name")), "hopper");
  EXPECT_EQ(std::get<int64_t>(d.metadata.at("iteration")), 3);
  EXPECT_DOUBLE_EQ(std::get<double>(d.metadata.at("policy/return")), 1500.25);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace mindt::datasets

namespace mindt::datasets {
namespace {

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Loads `bytes` written to a file and says how it ended: read, or a DataError. Anything else — a
// crash inside libhdf5, another exception — fails the test (a crash takes the suite down with it).
bool loads(const std::string& bytes, const std::string& path) {
  std::ofstream(path, std::ios::binary) << bytes;
  try {
    (void)read_d4rl(path);
    return true;
  } catch (const DataError&) {
    return false;
  }
}

// Files as they arrive damaged: byte-mutated copies (a fresh seed each run, MINDT_TEST_SEED replays
// one) and copies cut at every sixteenth of their length load or fail with a DataError, never crash.
TEST(D4rlFile, MutatedAndTruncatedFilesLoadOrFailCleanly) {
  const std::string path = temp_path("pristine.hdf5"), damaged = temp_path("damaged.hdf5");
  write_d4rl(path, full_dataset());
  const std::string pristine = file_bytes(path);
  const char* given = std::getenv("MINDT_TEST_SEED");
  const uint64_t seed = given ? std::stoull(given) : std::random_device{}();
  std::cout << "[ seed     ] MINDT_TEST_SEED=" << seed << std::endl;  // before a crash can lose it
  std::mt19937_64 rng(seed);
  int loaded = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::string bytes = pristine;
    const int changes = std::uniform_int_distribution<int>(1, 8)(rng);
    for (int c = 0; c < changes; ++c) {
      bytes[std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng)] = char(rng() & 0xff);
    }
    loaded += loads(bytes, damaged);
  }
  std::cout << loaded << " of 200 mutated copies still loaded\n";
  for (int sixteenths = 0; sixteenths < 16; ++sixteenths) {
    EXPECT_FALSE(loads(pristine.substr(0, pristine.size() * sixteenths / 16), damaged)) << sixteenths << "/16";
  }
  EXPECT_TRUE(loads(pristine, damaged));
}

// Flags stored as an enum over a wider integer than h5py's int8 bool read the same.
TEST(D4rlFile, EnumFlagsOverAnyIntegerWidthRead) {
  const std::string path = temp_path("wide_enum.hdf5");
  { H5File file = H5File::create(path); }
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t type = H5Tenum_create(H5T_NATIVE_INT32);
  const int32_t no = 0, yes = 1;
  H5Tenum_insert(type, "NO", &no);
  H5Tenum_insert(type, "YES", &yes);
  const hsize_t n = 5;
  const hid_t space = H5Screate_simple(1, &n, nullptr);
  const hid_t dataset = H5Dcreate2(file, "flags", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  const int32_t values[5] = {0, 1, 1, 0, 1};
  ASSERT_GE(H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), 0);
  H5Dclose(dataset);
  H5Sclose(space);
  H5Tclose(type);
  H5Fclose(file);
  EXPECT_EQ(H5File::open_read(path).read_flags("flags"), (std::vector<uint8_t>{0, 1, 1, 0, 1}));
}

}  // namespace
}  // namespace mindt::datasets
