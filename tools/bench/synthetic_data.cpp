#include "tools/bench/synthetic_data.h"

#include <random>

namespace mindt::bench {

datasets::D4rlDataset synthetic_hopper(int64_t n) {
  datasets::D4rlDataset d;
  std::mt19937_64 rng(0);
  std::normal_distribution<float> normal;
  auto fill = [&](datasets::Array2D& a, int64_t cols) {
    a = {std::vector<float>(n * cols), n, cols};
    for (auto& x : a.data) x = normal(rng);
  };
  fill(d.observations, 11);
  fill(d.actions, 3);
  fill(d.next_observations, 11);
  fill(d.infos["qpos"], 6);
  fill(d.infos["qvel"], 6);
  d.rewards.resize(n);
  for (auto& r : d.rewards) r = 3 + normal(rng);
  d.terminals.assign(n, 0);
  d.timeouts.assign(n, 0);
  std::uniform_int_distribution<int64_t> length(200, 1000);
  for (int64_t row = 0, len = length(rng); row + len <= n; row += len, len = length(rng)) {
    (len < 1000 ? d.terminals : d.timeouts)[row + len - 1] = 1;
  }
  d.metadata["algorithm"] = std::string("synthetic");
  return d;
}

}  // namespace mindt::bench
