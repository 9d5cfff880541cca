// The loop every long job runs (decision-model training, SAC, selective copying): steps from
// wherever the run stands to the last one, and after each step, when due, a log line, an
// evaluation, a checkpoint and the progress line — in that order — with Ctrl-C polled before
// every step. Each trainer says only what a step, a log line, a checkpoint and an evaluation are:
//
//   RunLoop loop(schedule, options.should_stop);
//   loop.on_log = [&](int64_t step) { … };
//   const LoopEnd end = loop.run(first_step, [&](int64_t step) { … one step … });
//
// "Due" means every N steps (N > 0) and at the last step; when the loop is stopped it writes a
// checkpoint of the steps done, so nothing trained is lost.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace mindt {

struct RunSchedule {
  int64_t steps = 0;             // the step the run ends at
  int64_t log_every = 0;         // 0: only at the end
  int64_t checkpoint_every = 0;  // 0: only at the end (and when stopped)
  int64_t eval_every = 0;        // 0: only at the end
  bool evaluate = true;          // false: no evaluations at all
};

// Every `every` steps (every > 0) and at the last step.
bool is_due(int64_t step, int64_t every, int64_t last_step);

struct LoopEnd {
  int64_t step = 0;  // the steps done when the loop ended
  bool interrupted = false;
};

class RunLoop {
 public:
  using StepHook = std::function<void(int64_t step)>;
  RunLoop(RunSchedule schedule, std::function<bool()> should_stop)
      : schedule_(schedule), should_stop_(std::move(should_stop)) {}

  StepHook on_log, on_checkpoint, on_evaluate, on_progress;  // each may be empty

  // Runs step(s) for s = first_step + 1 … schedule.steps (step receives the number of the step
  // being completed), calling the hooks after each. Returns early, after a checkpoint, when
  // should_stop() turns true.
  LoopEnd run(int64_t first_step, const StepHook& step);

 private:
  RunSchedule schedule_;
  std::function<bool()> should_stop_;
};

// A progress line on stderr, redrawn in place at most every `interval` (and always on the last
// step), with the rate and time left estimated from the steps this process has done.
class ProgressLine {
 public:
  ProgressLine(bool enabled, int64_t first_step, int64_t last_step, std::chrono::milliseconds interval);
  // True when the line should be redrawn at `step`.
  bool due(int64_t step);
  // Seconds since the line was made, and the estimated seconds left at `step`.
  double elapsed_s() const;
  double eta_s(int64_t step) const;
  // Redraws the line: "\r" + text.
  void draw(const std::string& text) const;
  // A message on lines of its own, between redraws ("[eval] step 500: …").
  void message(const std::string& text) const;
  // Ends the line.
  void finish() const;

 private:
  bool enabled_;
  int64_t first_step_, last_step_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point started_, last_drawn_;
};

// 42s, 3m07s, 2h05m.
std::string format_duration(double seconds);

}  // namespace mindt
