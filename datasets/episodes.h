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

// How the episodes of a dataset end, and the returns and lengths of the finished ones (an
// unfinished tail's return is partial, so it is left out of the statistics).
struct EpisodeSummary {
  int64_t episodes = 0, terminated = 0, timeouts = 0, unfinished = 0;
  int64_t finished = 0;                                                     // terminated + timeouts
  double return_min = 0, return_mean = 0, return_max = 0, length_mean = 0;  // 0 when none finished
};
EpisodeSummary summarize(const std::vector<Episode>& episodes);

}  // namespace mindt::datasets
