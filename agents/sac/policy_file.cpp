#include "agents/sac/policy_file.h"

#include <torch/torch.h>

#include <filesystem>

#include "agents/archive_file.h"

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

// Every weight is stored in the file (float32), so sizes asking for more than it holds are damage,
// refused before a network that could exhaust memory is built.
void check_policy_fits_file(const std::string& path, int64_t obs_dim, int64_t act_dim, int64_t hidden) {
  if (obs_dim < 1 || act_dim < 1 || hidden < 1) {
    throw PolicyFileError(path + ": damaged policy file (obs_dim " + std::to_string(obs_dim) + ", act_dim " +
                          std::to_string(act_dim) + ", hidden " + std::to_string(hidden) + ")");
  }
  const double h = double(hidden);
  const double weights = h * double(obs_dim) + h * h + 2 * h * double(act_dim);
  if (4 * weights > double(std::filesystem::file_size(path))) {
    throw PolicyFileError(path + ": damaged policy file (its sizes need more weights than the file holds)");
  }
}

LoadedPolicy read_policy(const std::string& path) {
  torch::serialize::InputArchive archive;
  if (const std::string damage = load_checked_archive(path, archive); !damage.empty())
    throw PolicyFileError(path + ": not a mindt policy file, or a damaged one (" + damage + ")");
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
  check_policy_fits_file(path, obs_dim, act_dim, loaded.info.hidden);
  loaded.policy = TanhGaussianPolicy(obs_dim, act_dim, loaded.info.hidden);
  torch::serialize::InputArchive weights;
  if (!archive.try_read("policy/weights", weights)) throw PolicyFileError(path + ": policy/weights is missing");
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
  save_archive(archive, path);
}

LoadedPolicy load_policy_file(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw PolicyFileError(path + ": no such policy file");
  // What LibTorch throws on a damaged archive (c10::Error, the unpickler's own errors) becomes a
  // PolicyFileError naming the file.
  try {
    return read_policy(path);
  } catch (const PolicyFileError&) {
    throw;
  } catch (const c10::Error& e) {
    throw PolicyFileError(path + ": not a mindt policy file (" + error_text(e) + ")");
  } catch (const std::exception& e) {
    throw PolicyFileError(path + ": damaged policy file (" + error_text(e) + ")");
  }
}

}  // namespace mindt::sac
