// `mindt config show`: the fully resolved configuration (file + --set overrides), checked.
#include <iostream>

#include "configs/config.h"
#include "tools/commands.h"

namespace mindt::cli {

int run_config_show(const ParsedArgs& args) {
  if (args.positionals().size() != 1) throw UsageError("mindt config show: expected one CONFIG file");
  config::Config cfg = config::load_config(args.positionals()[0], args.values("set"));
  std::cout << config::to_yaml(cfg);
  return 0;
}

}  // namespace mindt::cli
