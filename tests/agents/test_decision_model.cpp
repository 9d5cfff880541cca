// The decision model: padding never leaks into real steps, the two inference modes agree, every
// backbone can fit a batch, and checkpoints restore the exact model.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "agents/checkpoint.h"
#include "agents/decision_model.h"
#include "agents/decision_policy.h"
#include "tests/agents/model_fixtures.h"
#include "tests/expect_text.h"
#include "tests/test_util.h"

namespace mindt {
namespace {

using mindt::testing::random_windows;
using mindt::testing::relative_error;
using mindt::testing::tiny_model_config;
using mindt::testing::Windows;

constexpr int64_t kStateDim = 5, kActDim = 3;

DecisionModel make_model(const std::string& backbone) {
  DecisionModel model(tiny_model_config(backbone), kStateDim, kActDim);
  model->set_state_normalization(torch::randn({kStateDim}), torch::rand({kStateDim}) + 0.5);
  model->eval();
  return model;
}

class EveryDecisionModel : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { mindt::testing::seed_torch(); }
};

TEST_P(EveryDecisionModel, PaddingOnEitherSideDoesNotChangeRealSteps) {
  DecisionModel model = make_model(GetParam());
  torch::NoGradGuard no_grad;
  const int64_t K = 8, real = 5;
  const Windows w = random_windows(4, real, kStateDim, kActDim);
  const at::Tensor unpadded = model->forward(w.states, w.actions, w.returns, w.timesteps);

  for (bool left : {true, false}) {
    // Pad with junk values: they must not matter.
    auto pad = [&](const at::Tensor& x, const at::Tensor& junk) {
      return left ? at::cat({junk, x}, 1) : at::cat({x, junk}, 1);
    };
    const Windows j = random_windows(4, K - real, kStateDim, kActDim);
    at::Tensor mask = at::zeros({4, K}, at::kBool);
    mask.narrow(1, left ? K - real : 0, real).fill_(true);
    const at::Tensor padded = model->forward(pad(w.states, j.states), pad(w.actions, j.actions),
                                             pad(w.returns, j.returns), pad(w.timesteps, j.timesteps), mask);
    const at::Tensor real_part = padded.narrow(1, left ? K - real : 0, real);
    EXPECT_LT(relative_error(real_part, unpadded), 1e-5) << (left ? "left" : "right") << " padding";
    EXPECT_EQ(padded.narrow(1, left ? 0 : real, K - real).abs().max().item<double>(), 0.0);
  }
}

// Rolls `policy` through an episode of T steps with given states and returns; stacks the actions.
at::Tensor roll(DecisionPolicy& policy, const at::Tensor& states, const at::Tensor& returns) {
  const int64_t B = states.size(0), T = states.size(1);
  policy.reset(B);
  std::vector<at::Tensor> actions;
  for (int64_t t = 0; t < T; ++t) {
    actions.push_back(policy.act(states.select(1, t), returns.select(1, t), at::full({B}, t, at::kLong)));
  }
  return at::stack(actions, 1);
}

TEST_P(EveryDecisionModel, WindowAndRecurrentModesAgreeWithinTheContext) {
  DecisionModel model = make_model(GetParam());
  const int64_t K = model->config().context_len;
  const Windows w = random_windows(3, K, kStateDim, kActDim);
  DecisionPolicy window(model, InferenceMode::kWindow), recurrent(model, InferenceMode::kRecurrent);
  const at::Tensor a_window = roll(window, w.states, w.returns);
  const at::Tensor a_recurrent = roll(recurrent, w.states, w.returns);
  EXPECT_LT(relative_error(a_recurrent, a_window), 1e-5);

  // Both equal the training-mode forward over the episode with the chosen actions filled in.
  torch::NoGradGuard no_grad;
  const at::Tensor timesteps = at::arange(K, at::kLong).expand({3, K});
  const at::Tensor teacher = model->forward(w.states, a_window, w.returns, timesteps);
  EXPECT_LT(relative_error(a_window, teacher), 1e-5);
}

TEST_P(EveryDecisionModel, RecurrentModeCarriesStateBeyondTheWindow) {
  DecisionModel model = make_model(GetParam());
  const int64_t K = model->config().context_len, T = 3 * K;
  const Windows w = random_windows(2, T, kStateDim, kActDim);
  DecisionPolicy window(model, InferenceMode::kWindow), recurrent(model, InferenceMode::kRecurrent);
  const at::Tensor a_window = roll(window, w.states, w.returns);
  const at::Tensor a_recurrent = roll(recurrent, w.states, w.returns);
  torch::NoGradGuard no_grad;
  // The recurrent mode equals forward over the whole episode (not over the last K steps: the
  // window mode does that, and the two differ past K, though little for a random minGRU, which
  // forgets within a few tokens at initialisation).
  const at::Tensor whole = model->forward(w.states, a_recurrent, w.returns, at::arange(T, at::kLong).expand({2, T}));
  EXPECT_LT(relative_error(a_recurrent, whole), 1e-5);
  const at::Tensor windowed =
      model->forward(w.states.narrow(1, T - K, K), a_window.narrow(1, T - K, K), w.returns.narrow(1, T - K, K),
                     at::arange(T - K, T, at::kLong).expand({2, K}));
  EXPECT_LT(relative_error(a_window.select(1, T - 1), windowed.select(1, K - 1)), 1e-5);
}

TEST_P(EveryDecisionModel, FitsATinyFixedBatch) {
  DecisionModel model(tiny_model_config(GetParam()), kStateDim, kActDim);
  model->train();
  const Windows w = random_windows(8, 8, kStateDim, kActDim);
  const at::Tensor target = at::rand({8, 8, kActDim}) * 1.6 - 0.8;
  torch::optim::AdamW optimizer(model->parameters(), torch::optim::AdamWOptions(3e-3).weight_decay(0));
  auto loss_now = [&] { return (model->forward(w.states, w.actions, w.returns, w.timesteps) - target).pow(2).mean(); };
  const double initial = loss_now().item<double>();
  double loss = initial;
  for (int step = 0; step < 600 && loss > initial / 200; ++step) {
    optimizer.zero_grad();
    at::Tensor l = loss_now();
    l.backward();
    optimizer.step();
    loss = l.item<double>();
  }
  EXPECT_LT(loss, initial / 100) << GetParam() << ": loss " << initial << " → " << loss;
}

TEST_P(EveryDecisionModel, CheckpointRestoresTheExactModel) {
  DecisionModel model = make_model(GetParam());
  config::Config config;
  config.model = model->config();
  config.data.env = "walker2d";
  const std::string path = ::testing::TempDir() + "/model_" + GetParam() + ".pt";
  save_model(path, model, config);

  LoadedModel loaded = load_model(path);
  EXPECT_EQ(loaded.config.data.env, "walker2d");
  EXPECT_EQ(loaded.config.model.backbone, GetParam());
  loaded.model->eval();
  torch::NoGradGuard no_grad;
  const Windows w = random_windows(2, 6, kStateDim, kActDim);
  const at::Tensor expected = model->forward(w.states, w.actions, w.returns, w.timesteps);
  const at::Tensor got = loaded.model->forward(w.states, w.actions, w.returns, w.timesteps);
  EXPECT_TRUE(at::equal(got, expected));
  std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Backbones, EveryDecisionModel, ::testing::ValuesIn(config::kBackbones),
                         [](const auto& info) { return info.param; });

std::string load_error(const std::string& path, DecisionModel& model) {
  try {
    load_weights(path, model);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Checkpoint, RefusesAnotherBackbone) {
  const std::string path = ::testing::TempDir() + "/mingru.pt";
  DecisionModel mingru = make_model("mingru");
  config::Config config;
  config.model = mingru->config();
  save_model(path, mingru, config);

  DecisionModel transformer = make_model("transformer");
  EXPECT_HAS(load_error(path, transformer), path +
                                                ": the checkpoint holds a 'mingru' decision model; it cannot be "
                                                "loaded into a 'transformer' model");
  DecisionModel wider(tiny_model_config("mingru"), kStateDim + 1, kActDim);
  EXPECT_HAS(load_error(path, wider), "takes states of 5 and actions of 3 dims; this model 6 and 3");
  config::ModelConfig deeper_config = tiny_model_config("mingru");
  deeper_config.n_layers = 3;
  DecisionModel deeper(deeper_config, kStateDim, kActDim);
  EXPECT_HAS(load_error(path, deeper), "has other layers than this one");
  std::filesystem::remove(path);
}

TEST(Checkpoint, MissingOrForeignFilesGiveClearErrors) {
  DecisionModel model = make_model("mingru");
  EXPECT_HAS(load_error("/nonexistent/model.pt", model), "/nonexistent/model.pt: no such checkpoint file");
  const std::string junk = ::testing::TempDir() + "/junk.pt";
  std::ofstream(junk) << "not a zip file";
  EXPECT_HAS(load_error(junk, model), junk + ": not a mindt checkpoint");
  std::filesystem::remove(junk);
}

// A checkpoint cut at every 1/16 of its length (a half-copied file) is a CheckpointError naming the
// file, never a crash or a model loaded from part of the weights; a flipped byte in a weight is
// caught by the archive's CRC-32 rather than loaded as a silently different model.
TEST(Checkpoint, CutOrFlippedCopiesAreClearErrors) {
  const std::string dir = ::testing::TempDir() + "/ckpt_cut";
  std::filesystem::create_directories(dir);
  DecisionModel model = make_model("mamba");
  config::Config config;
  config.model = model->config();
  save_model(dir + "/whole.pt", model, config);
  std::ifstream in(dir + "/whole.pt", std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut = dir + "/cut.pt";
  for (int k = 0; k < 16; ++k) {
    std::ofstream(cut, std::ios::binary | std::ios::trunc) << bytes.substr(0, bytes.size() * k / 16);
    EXPECT_HAS(load_error(cut, model), cut + ": not a mindt checkpoint") << "cut at " << k << "/16";
  }
  // The middle of the file is the weights' data.
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = char(flipped[bytes.size() / 2] ^ 0x10);
  std::ofstream(cut, std::ios::binary | std::ios::trunc) << flipped;
  EXPECT_HAS(load_error(cut, model), "fails its CRC-32 check");
  EXPECT_NO_THROW(load_model(dir + "/whole.pt"));
  std::filesystem::remove_all(dir);
}

TEST(Checkpoint, SavingLeavesNoTemporaryFiles) {
  const std::string dir = ::testing::TempDir() + "/ckpt_dir";
  std::filesystem::create_directories(dir);
  DecisionModel model = make_model("minlstm");
  config::Config config;
  config.model = model->config();
  save_model(dir + "/a.pt", model, config);
  save_model(dir + "/a.pt", model, config);  // overwrite
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().filename(), "a.pt");
    ++files;
  }
  EXPECT_EQ(files, 1);
  std::filesystem::remove_all(dir);
}

TEST(DecisionModel, RejectsTimestepsBeyondTheEmbedding) {
  DecisionModel model = make_model("mingru");
  Windows w = random_windows(1, 4, kStateDim, kActDim);
  w.timesteps.fill_(100);
  try {
    model->forward(w.states, w.actions, w.returns, w.timesteps);
    FAIL();
  } catch (const c10::Error& e) {
    EXPECT_HAS(std::string(e.what_without_backtrace()),
               "timesteps must lie in [0, 100) (model.max_ep_len), got [100, 100]");
  }
}

TEST(InferenceMode, ParsesNamesAndListsValidOnes) {
  EXPECT_EQ(parse_inference_mode("window"), InferenceMode::kWindow);
  EXPECT_EQ(parse_inference_mode("recurrent"), InferenceMode::kRecurrent);
  try {
    parse_inference_mode("sliding");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_HAS(std::string(e.what()), "valid modes: window, recurrent");
  }
}

}  // namespace
}  // namespace mindt
