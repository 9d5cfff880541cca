// `mindt bench …` subcommands.
#pragma once

#include "tools/cli/command.h"

namespace mindt::bench {
int run_bench_scan(const cli::ParsedArgs& args);
}  // namespace mindt::bench
