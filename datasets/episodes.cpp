#include "datasets/episodes.h"

#include <algorithm>

#include <stdexcept>

namespace mindt::datasets {

std::vector<Episode> split_episodes(const std::vector<uint8_t>& terminals, const std::vector<uint8_t>& timeouts,
                                    const std::vector<float>& rewards) {
  const int64_t n = static_cast<int64_t>(rewards.size());
  if (static_cast<int64_t>(terminals.size()) != n) {
    throw std::invalid_argument("terminals has " + std::to_string(terminals.size()) + " rows, rewards " +
                                std::to_string(n));
  }
  if (!timeouts.empty() && static_cast<int64_t>(timeouts.size()) != n) {
    throw std::invalid_argument("timeouts has " + std::to_string(timeouts.size()) + " rows, rewards " +
                                std::to_string(n));
  }
  std::vector<Episode> episodes;
  Episode current;
  for (int64_t i = 0; i < n; ++i) {
    current.episode_return += rewards[i];
    const bool terminal = terminals[i] != 0;
    const bool timeout = !timeouts.empty() && timeouts[i] != 0;
    if (terminal || timeout) {
      current.length = i + 1 - current.start;
      current.end = terminal ? EpisodeEnd::kTerminated : EpisodeEnd::kTimeout;
      episodes.push_back(current);
      current = Episode{i + 1, 0, EpisodeEnd::kUnfinished, 0};
    }
  }
  if (current.start < n) {
    current.length = n - current.start;
    episodes.push_back(current);
  }
  return episodes;
}

std::vector<float> returns_to_go(const std::vector<float>& rewards, const std::vector<Episode>& episodes) {
  std::vector<float> rtg(rewards.size(), 0.0f);
  for (const Episode& e : episodes) {
    double acc = 0;
    for (int64_t i = e.start + e.length - 1; i >= e.start; --i) {
      acc += rewards[i];
      rtg[i] = static_cast<float>(acc);
    }
  }
  return rtg;
}

const char* to_string(EpisodeEnd end) {
  switch (end) {
    case EpisodeEnd::kTerminated:
      return "terminated";
    case EpisodeEnd::kTimeout:
      return "timeout";
    case EpisodeEnd::kUnfinished:
      return "unfinished";
  }
  return "?";
}

EpisodeSummary summarize(const std::vector<Episode>& episodes) {
  EpisodeSummary s;
  s.episodes = static_cast<int64_t>(episodes.size());
  double return_sum = 0, length_sum = 0;
  for (const Episode& e : episodes) {
    s.terminated += e.end == EpisodeEnd::kTerminated;
    s.timeouts += e.end == EpisodeEnd::kTimeout;
    s.unfinished += e.end == EpisodeEnd::kUnfinished;
    if (e.end == EpisodeEnd::kUnfinished) continue;
    s.return_min = s.finished == 0 ? e.episode_return : std::min(s.return_min, e.episode_return);
    s.return_max = s.finished == 0 ? e.episode_return : std::max(s.return_max, e.episode_return);
    return_sum += e.episode_return;
    length_sum += double(e.length);
    ++s.finished;
  }
  if (s.finished) {
    s.return_mean = return_sum / double(s.finished);
    s.length_mean = length_sum / double(s.finished);
  }
  return s;
}

}  // namespace mindt::datasets
