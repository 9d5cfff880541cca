#include "agents/run/run_loop.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace mindt {

bool is_due(int64_t step, int64_t every, int64_t last_step) {
  return (every > 0 && step % every == 0) || step == last_step;
}

LoopEnd RunLoop::run(int64_t first_step, const StepHook& step) {
  const RunSchedule& s = schedule_;
  LoopEnd end{first_step, false};
  auto call = [](const StepHook& hook, int64_t at) {
    if (hook) hook(at);
  };
  while (end.step < s.steps) {
    if (should_stop_ && should_stop_()) {
      end.interrupted = true;
      call(on_checkpoint, end.step);
      return end;
    }
    step(end.step + 1);
    const int64_t done = ++end.step;
    if (is_due(done, s.log_every, s.steps)) call(on_log, done);
    // The evaluation before the checkpoint of the same step: a run killed between the two resumes
    // from the checkpoint before and evaluates again, where the other order would skip it.
    if (s.evaluate && is_due(done, s.eval_every, s.steps)) call(on_evaluate, done);
    if (is_due(done, s.checkpoint_every, s.steps)) call(on_checkpoint, done);
    call(on_progress, done);
  }
  return end;
}

ProgressLine::ProgressLine(bool enabled, int64_t first_step, int64_t last_step, std::chrono::milliseconds interval)
    : enabled_(enabled),
      first_step_(first_step),
      last_step_(last_step),
      interval_(interval),
      started_(std::chrono::steady_clock::now()),
      last_drawn_(started_ - std::chrono::hours(1)) {}

bool ProgressLine::due(int64_t step) {
  if (!enabled_) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_drawn_ <= interval_ && step != last_step_) return false;
  last_drawn_ = now;
  return true;
}

double ProgressLine::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

double ProgressLine::eta_s(int64_t step) const {
  const int64_t done = std::max<int64_t>(step - first_step_, 1);
  return double(last_step_ - step) * elapsed_s() / double(done);
}

void ProgressLine::draw(const std::string& text) const {
  if (enabled_) std::cerr << "\r" << text << "   " << std::flush;
}

void ProgressLine::message(const std::string& text) const {
  if (enabled_) std::cerr << "\n" << text << "\n";
}

void ProgressLine::finish() const {
  if (enabled_) std::cerr << "\n";
}

std::string format_duration(double seconds) {
  const int64_t s = static_cast<int64_t>(seconds);
  std::ostringstream o;
  if (s >= 3600) {
    o << s / 3600 << "h" << std::setw(2) << std::setfill('0') << (s % 3600) / 60 << "m";
  } else if (s >= 60) {
    o << s / 60 << "m" << std::setw(2) << std::setfill('0') << s % 60 << "s";
  } else {
    o << s << "s";
  }
  return o.str();
}

}  // namespace mindt
