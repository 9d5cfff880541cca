#include "agents/seed_pack.h"

#include "agents/run/device.h"

namespace mindt {

SeedPack::SeedPack(std::vector<config::Config> configs, const datasets::D4rlDataset& data,
                   const std::vector<datasets::Episode>& episodes, const c10::Device& device) {
  members_.reserve(configs.size());
  for (auto& c : configs) {
    // In place: the learner keeps a reference to its config. reserve() keeps members_ from moving.
    Member& m = members_.emplace_back(Member{std::move(c), nullptr, {}});
    // Learner seeds the generators with the member's seed and draws its initial weights from them;
    // the state it leaves is where the member's first dropout draw starts.
    m.learner = std::make_unique<Learner>(m.config, data, episodes, device);
    if (configs.size() > 1) m.rng = cpu_rng_state();
  }
}

void SeedPack::as_member(size_t i, const std::function<void(Learner&)>& f) {
  Member& m = members_.at(i);
  if (members_.size() == 1) {
    f(*m.learner);
    return;
  }
  restore_cpu_rng(m.rng);
  f(*m.learner);
  m.rng = cpu_rng_state();
}

void SeedPack::train_step(int64_t step) {
  for (size_t i = 0; i < members_.size(); ++i) as_member(i, [&](Learner& l) { l.train_step(step); });
}

}  // namespace mindt
