#include "agents/sac/policy_file.h"

#include <torch/torch.h>

#include <filesystem>

#include "common/atomic_file.h"

namespace mindt::sac {
namespace {

constexpr int64_t kPolicyFormat = 1;

template <class T>
T read_value(torch::serialize::InputArchive& archive, const std::string& path, const std::string& key) {
  c10::IValue v;
  if (!archive.try_read(key, v)) throw PolicyFileError(path + ": not a mindt policy file (no " + key + ")");
  if constexpr (std::is_same_v<T, std::string>) {
    if (v.isString()) return v.toStringRef();
  } else if constexpr (std::is_same_v<T, double>) {
    if (v.isDouble()) return v.toDouble();
  } else {
    if (v.isInt()) return v.toInt();
  }
  throw PolicyFileError(path + ": " + key + " has the wrong type");
}

}  // namespace

void save_policy_file(const std::string& path, TanhGaussianPolicy& policy, const PolicyInfo& info) {
  torch::serialize::OutputArchive archive;
  archive.write("mindt/format", c10::IValue(kPolicyFormat));
  archive.write("mindt/kind", c10::IValue(std::string("sac_policy")));
  archive.write("policy/env", c10::IValue(info.env));
  archive.write("policy/obs_dim", c10::IValue(policy->obs_dim()));
  archive.write("policy/act_dim", c10::IValue(policy->act_dim()));
  archive.write("policy/hidden", c10::IValue(info.hidden));
  archive.write("policy/step", c10::IValue(info.step));
  archive.write("policy/return", c10::IValue(info.eval_return));
  torch::serialize::OutputArchive weights(archive.compilation_unit());
  for (const auto& p : policy->named_parameters()) weights.write(p.key(), p.value().detach().cpu());
  archive.write("policy/weights", weights);
  write_atomically(path, [&](const std::string& temporary) { archive.save_to(temporary); });
}

LoadedPolicy load_policy_file(const std::string& path) {
  if (!std::filesystem::exists(path)) throw PolicyFileError(path + ": no such policy file");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const c10::Error&) {
    throw PolicyFileError(path + ": not a mindt policy file (not a LibTorch archive)");
  }
  if (read_value<int64_t>(archive, path, "mindt/format") != kPolicyFormat ||
      read_value<std::string>(archive, path, "mindt/kind") != "sac_policy") {
    throw PolicyFileError(path + ": not a SAC policy file of format " + std::to_string(kPolicyFormat));
  }
  LoadedPolicy loaded;
  loaded.info.env = read_value<std::string>(archive, path, "policy/env");
  loaded.info.hidden = read_value<int64_t>(archive, path, "policy/hidden");
  loaded.info.step = read_value<int64_t>(archive, path, "policy/step");
  loaded.info.eval_return = read_value<double>(archive, path, "policy/return");
  const int64_t obs_dim = read_value<int64_t>(archive, path, "policy/obs_dim");
  const int64_t act_dim = read_value<int64_t>(archive, path, "policy/act_dim");
  loaded.policy = TanhGaussianPolicy(obs_dim, act_dim, loaded.info.hidden);
  torch::serialize::InputArchive weights;
  archive.read("policy/weights", weights);
  torch::NoGradGuard no_grad;
  for (auto& p : loaded.policy->named_parameters()) {
    at::Tensor stored;
    if (!weights.try_read(p.key(), stored)) throw PolicyFileError(path + ": policy/weights/" + p.key() + " is missing");
    if (!stored.sizes().equals(p.value().sizes())) {
      throw PolicyFileError(path + ": policy/weights/" + p.key() + " has shape " + c10::str(stored.sizes()) +
                            ", expected " + c10::str(p.value().sizes()));
    }
    p.value().copy_(stored);
  }
  return loaded;
}

}  // namespace mindt::sac
