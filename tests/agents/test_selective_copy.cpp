// The selective-copying task's data: the data tokens sit among filler in order, the markers follow,
// the targets are those data tokens, and a seeded generator gives the same batch again. Training:
// a run stopped part-way continues from its checkpoint to exactly the uninterrupted run's numbers.
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "agents/selective_copy.h"
#include "tests/test_util.h"

namespace mindt {
namespace {

TEST(SelectiveCopy, DataTokensSitAmongFillerInOrderAndMarkersFollow) {
  const SelectiveCopyTask task{40, 6};
  at::Generator g = at::make_generator<at::CPUGeneratorImpl>(3);
  const CopyBatch b = make_copy_batch(task, 50, g);
  ASSERT_EQ(b.inputs.sizes(), at::IntArrayRef({50, 46}));
  ASSERT_EQ(b.targets.sizes(), at::IntArrayRef({50, 6}));
  for (int64_t row = 0; row < 50; ++row) {
    std::vector<int64_t> data;
    for (int64_t t = 0; t < task.length; ++t) {
      const int64_t token = b.inputs[row][t].item<int64_t>();
      if (token != SelectiveCopyTask::kFiller) data.push_back(token);
    }
    ASSERT_EQ(data.size(), 6u) << "row " << row;
    for (int64_t i = 0; i < 6; ++i) {
      EXPECT_EQ(data[size_t(i)], b.targets[row][i].item<int64_t>());
      EXPECT_GE(data[size_t(i)], 1);
      EXPECT_LE(data[size_t(i)], 14);
      EXPECT_EQ(b.inputs[row][task.length + i].item<int64_t>(), SelectiveCopyTask::kMarker);
    }
  }
  // Positions are spread out: across the batch the first data token is not always at one place.
  const at::Tensor first = (b.inputs.narrow(1, 0, task.length) != SelectiveCopyTask::kFiller).to(at::kInt).argmax(1);
  EXPECT_GT(std::get<0>(at::_unique(first)).numel(), 5);
}

TEST(SelectiveCopy, ASeededGeneratorGivesTheSameBatch) {
  const SelectiveCopyTask task{30, 4};
  at::Generator a = at::make_generator<at::CPUGeneratorImpl>(11), b = at::make_generator<at::CPUGeneratorImpl>(11),
                c = at::make_generator<at::CPUGeneratorImpl>(12);
  const CopyBatch x = make_copy_batch(task, 8, a), y = make_copy_batch(task, 8, b), z = make_copy_batch(task, 8, c);
  EXPECT_TRUE(x.inputs.equal(y.inputs));
  EXPECT_TRUE(x.targets.equal(y.targets));
  EXPECT_FALSE(x.inputs.equal(z.inputs));
}

struct Stop {};

CopyTrainOptions tiny_run(uint64_t seed) {
  CopyTrainOptions o;
  o.task = {16, 3};
  o.backbone = "mingru";
  o.layers = 2;
  o.dim = 16;
  o.steps = 30;
  o.batch = 8;
  o.warmup = 5;
  o.test_sequences = 64;
  o.seed = seed;
  return o;
}

// Trains `o`, stopping it (as Ctrl-C does) right after step `stop_at`.
void train_until_stopped(CopyTrainOptions o, int64_t stop_at) {
  o.on_step = [stop_at](int64_t step, double) {
    if (step == stop_at) throw Stop{};
  };
  EXPECT_THROW(train_selective_copy(o), Stop);
}

class CopyCheckpoint : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("mindt_copy_" + std::to_string(mindt::testing::fresh_seed()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "nested" / "run.pt").string(); }
  std::filesystem::path dir_;
};

TEST_F(CopyCheckpoint, AStoppedRunContinuesToTheUninterruptedRunsNumbers) {
  const uint64_t seed = mindt::testing::fresh_seed() % 1000;
  const CopyResult straight = train_selective_copy(tiny_run(seed));

  // Stopped between periodic checkpoints (step 17; they fall every 10), and at one (step 20).
  for (const int64_t stop_at : {17, 20}) {
    CopyTrainOptions o = tiny_run(seed);
    o.checkpoint_path = path();
    o.checkpoint_every = 10;
    train_until_stopped(o, stop_at);
    ASSERT_TRUE(std::filesystem::exists(o.checkpoint_path)) << "no checkpoint after a stop at step " << stop_at;
    const CopyResult resumed = train_selective_copy(o);
    EXPECT_EQ(resumed.final_loss, straight.final_loss) << "stopped at step " << stop_at;
    EXPECT_EQ(resumed.accuracy, straight.accuracy) << "stopped at step " << stop_at;
    EXPECT_FALSE(std::filesystem::exists(o.checkpoint_path)) << "a finished run leaves its checkpoint behind";
  }
}

TEST_F(CopyCheckpoint, ACheckpointOfAnotherRunIsNotUsed) {
  const CopyResult straight = train_selective_copy(tiny_run(5));
  CopyTrainOptions other = tiny_run(6);
  other.checkpoint_path = path();
  train_until_stopped(other, 12);
  ASSERT_TRUE(std::filesystem::exists(path()));

  CopyTrainOptions o = tiny_run(5);
  o.checkpoint_path = path();
  const CopyResult fresh = train_selective_copy(o);
  EXPECT_EQ(fresh.final_loss, straight.final_loss);
  EXPECT_EQ(fresh.accuracy, straight.accuracy);
}

TEST_F(CopyCheckpoint, AnUnreadableCheckpointIsAClearError) {
  std::filesystem::create_directories(std::filesystem::path(path()).parent_path());
  std::ofstream(path()) << "not a checkpoint";
  CopyTrainOptions o = tiny_run(1);
  o.checkpoint_path = path();
  try {
    train_selective_copy(o);
    FAIL() << "a corrupt checkpoint was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path() + ": not a readable copytask checkpoint"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace mindt
