// Loading a Config: YAML text → node tree → --set overrides → typed, checked struct.
#include <fstream>
#include <sstream>

#include "configs/config.h"
#include "configs/lm_config.h"
#include "configs/sac_config.h"
#include "configs/schema.h"

namespace mindt::config {
namespace {

// Sets root[a][b]...[z] = value for "a.b.z=value", creating sections as needed.
void apply_override(YAML::Node& root, const std::string& text, Sources& sources) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("--set " + text + ": expected key.path=value");
  }
  const std::string path = text.substr(0, eq), value_text = text.substr(eq + 1);
  YAML::Node value;
  try {
    value = YAML::Load(value_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError("--set " + text + ": the value is not valid YAML: " + e.msg);
  }
  std::vector<std::string> keys;
  std::stringstream in(path);
  for (std::string k; std::getline(in, k, '.');) {
    if (k.empty()) throw ConfigError("--set " + text + ": empty key in '" + path + "'");
    keys.push_back(k);
  }
  // yaml-cpp nodes are handles: walk down by reassigning a handle to each child.
  std::vector<YAML::Node> chain{root};
  for (size_t i = 0; i + 1 < keys.size(); ++i) {
    YAML::Node child = chain.back()[keys[i]];
    if (!child.IsDefined() || child.IsNull()) {
      chain.back()[keys[i]] = YAML::Node(YAML::NodeType::Map);
      child = chain.back()[keys[i]];
    } else if (!child.IsMap()) {
      throw ConfigError("--set " + text + ": '" + keys[i] + "' is a value, not a section");
    }
    chain.push_back(child);
  }
  chain.back()[keys.back()] = value;
  sources.overrides[path] = "--set " + text;
}

}  // namespace

namespace {

// Every config type (Config, SacConfig, LmConfig) is read the same way: YAML → overrides → visit → checks.
template <class C>
C parse_as(const std::string& yaml_text, const std::string& source, const std::vector<std::string>& overrides) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(source + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
  if (!root || root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
  if (!root.IsMap()) throw ConfigError(source + ": expected a mapping of keys at the top level");
  Sources sources{source, {}};
  for (const auto& o : overrides) apply_override(root, o, sources);
  C config;
  Reader reader(root, sources, "");
  config.visit(reader);
  reader.finish();
  return config;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open config file (does it exist?)");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

template <class C>
std::string yaml_of(C& config) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << YAML::BeginMap;
  Writer writer(out);
  config.visit(writer);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace

Config parse_config(const std::string& yaml_text, const std::string& source,
                    const std::vector<std::string>& overrides) {
  return parse_as<Config>(yaml_text, source, overrides);
}

Config load_config(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_config(read_text(path), path, overrides);
}

std::string to_yaml(Config& config) { return yaml_of(config); }

SacConfig parse_sac_config(const std::string& yaml_text, const std::string& source,
                           const std::vector<std::string>& overrides) {
  return parse_as<SacConfig>(yaml_text, source, overrides);
}

SacConfig load_sac_config(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_sac_config(read_text(path), path, overrides);
}

std::string to_yaml(SacConfig& config) { return yaml_of(config); }

LmConfig parse_lm_config(const std::string& yaml_text, const std::string& source,
                         const std::vector<std::string>& overrides) {
  return parse_as<LmConfig>(yaml_text, source, overrides);
}

LmConfig load_lm_config(const std::string& path, const std::vector<std::string>& overrides) {
  return parse_lm_config(read_text(path), path, overrides);
}

std::string to_yaml(LmConfig& config) { return yaml_of(config); }

}  // namespace mindt::config
