// Episodes in a D4RL-style flat transition table, and their returns-to-go.
//
// D4RL stores transitions back to back; an episode ends at a row whose `terminals` (the MDP ended,
// e.g. the hopper fell) or `timeouts` (the 1000-step limit) flag is set. Rows after the last such
// flag form an unfinished episode: kept, and marked so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mindt::datasets {

enum class EpisodeEnd {
  kTerminated,  // terminals[last] is set
  kTimeout,     // timeouts[last] is set (and terminals is not)
  kUnfinished,  // the data stops mid-episode
};

struct Episode {
  int64_t start = 0;   // first row
  int64_t length = 0;  // rows
  EpisodeEnd end = EpisodeEnd::kUnfinished;
  double episode_return = 0;  // sum of rewards
};

// Splits rows [0, n) on terminals | timeouts. `timeouts` may be empty (D4RL v0 files have none).
// Throws std::invalid_argument when the flag arrays' lengths differ from n.
std::vector<Episode> split_episodes(const std::vector<uint8_t>& terminals, const std::vector<uint8_t>& timeouts,
                                    const std::vector<float>& rewards);

// Undiscounted returns-to-go (γ = 1) within each episode: rtg[t] = Σ_{k ≥ t in the episode} r[k].
// Accumulated in double, so long episodes lose no precision.
std::vector<float> returns_to_go(const std::vector<float>& rewards, const std::vector<Episode>& episodes);

const char* to_string(EpisodeEnd end);

}  // namespace mindt::datasets
