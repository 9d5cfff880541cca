#include "tools/cli/ctrl_c.h"

#include <atomic>

namespace mindt::cli {
namespace {

std::atomic<bool> stop_requested{false};
extern "C" void on_ctrl_c(int) { stop_requested = true; }

}  // namespace

CtrlC::CtrlC() {
  stop_requested = false;
  previous_int_ = std::signal(SIGINT, on_ctrl_c);
  previous_term_ = std::signal(SIGTERM, on_ctrl_c);
}

CtrlC::~CtrlC() {
  std::signal(SIGINT, previous_int_);
  std::signal(SIGTERM, previous_term_);
}

bool CtrlC::requested() { return stop_requested.load(); }

}  // namespace mindt::cli
