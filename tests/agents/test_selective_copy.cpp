// The selective-copying task's data: the data tokens sit among filler in order, the markers follow,
// the targets are those data tokens, and a seeded generator gives the same batch again.
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "agents/selective_copy.h"

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

}  // namespace
}  // namespace mindt
