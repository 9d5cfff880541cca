// Entry points of the `mindt` subcommands; registered in commands.cpp.
#pragma once

#include "tools/cli/command.h"

namespace mindt::cli {
int run_config_show(const ParsedArgs& args);
int run_data_info(const ParsedArgs& args);
int run_data_make(const ParsedArgs& args);
int run_data_convert(const ParsedArgs& args);
int run_train(const ParsedArgs& args);
int run_env_check(const ParsedArgs& args);
int run_eval(const ParsedArgs& args);
int run_sac_train(const ParsedArgs& args);
int run_sac_eval(const ParsedArgs& args);
int run_sweep(const ParsedArgs& args);
int run_copytask(const ParsedArgs& args);
int run_lm_data(const ParsedArgs& args);
int run_lm_train(const ParsedArgs& args);
int run_lm_sample(const ParsedArgs& args);
int run_lm_report(const ParsedArgs& args);
}  // namespace mindt::cli

namespace mindt::bench {
int run_bench_scan(const cli::ParsedArgs& args);
int run_bench_models(const cli::ParsedArgs& args);
int run_bench_data(const cli::ParsedArgs& args);
int run_bench_train(const cli::ParsedArgs& args);
int run_bench_paper(const cli::ParsedArgs& args);
int run_bench_lm(const cli::ParsedArgs& args);
}  // namespace mindt::bench
