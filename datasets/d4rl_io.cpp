#include <cmath>
#include <sstream>

#include "common/atomic_file.h"
#include "datasets/d4rl_dataset.h"
#include "datasets/hdf5.h"

namespace mindt::datasets {
namespace {

// A [N, d] array; `vector_ok` also accepts [N] (read as d = 1), `column_ok` accepts [N, 1] as a vector.
Array2D read_matrix(const H5File& file, const std::string& key, bool vector_ok) {
  const KeyInfo info = file.info(key);
  if (info.shape.size() != 2 && !(vector_ok && info.shape.size() == 1)) {
    throw key_error(file.path(), key,
                    std::string("expected a 2-D array [N, dim]") + (vector_ok ? " or [N]" : "") + ", got shape " +
                        shape_text(info.shape));
  }
  Array2D a;
  a.rows = info.shape[0];
  a.cols = info.shape.size() == 2 ? info.shape[1] : 1;
  a.data = file.read_floats(key);
  return a;
}

std::vector<float> read_vector(const H5File& file, const std::string& key) {
  const KeyInfo info = file.info(key);
  const bool column = info.shape.size() == 2 && info.shape[1] == 1;  // medium-replay stores rewards as [N, 1]
  if (info.shape.size() != 1 && !column) {
    throw key_error(file.path(), key, "expected a 1-D array [N] (or [N, 1]), got shape " + shape_text(info.shape));
  }
  return file.read_floats(key);
}

std::vector<uint8_t> read_flag_vector(const H5File& file, const std::string& key) {
  const KeyInfo info = file.info(key);
  const bool column = info.shape.size() == 2 && info.shape[1] == 1;
  if (info.shape.size() != 1 && !column) {
    throw key_error(file.path(), key, "expected a 1-D array [N], got shape " + shape_text(info.shape));
  }
  return file.read_flags(key);
}

void check_finite(const std::string& source, const std::string& key, const std::vector<float>& values, int64_t cols) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw key_error(source, key,
                      std::string("contains ") + (std::isnan(values[i]) ? "NaN" : "inf") + " at row " +
                          std::to_string(i / cols) + (cols > 1 ? ", column " + std::to_string(i % cols) : ""));
    }
  }
}

void check_rows(const std::string& source, const std::string& key, int64_t rows, int64_t expected) {
  if (rows != expected) {
    throw key_error(source, key,
                    "has " + std::to_string(rows) + " rows, but 'observations' has " + std::to_string(expected));
  }
}

}  // namespace

void D4rlDataset::validate(const std::string& source) const {
  const int64_t n = size();
  if (n == 0) throw key_error(source, "observations", "the dataset is empty (0 transitions)");
  if (obs_dim() == 0) throw key_error(source, "observations", "has 0 columns");
  if (act_dim() == 0) throw key_error(source, "actions", "has 0 columns");
  check_rows(source, "actions", actions.rows, n);
  check_rows(source, "rewards", static_cast<int64_t>(rewards.size()), n);
  check_rows(source, "terminals", static_cast<int64_t>(terminals.size()), n);
  if (!timeouts.empty()) check_rows(source, "timeouts", static_cast<int64_t>(timeouts.size()), n);
  if (next_observations.rows) {
    check_rows(source, "next_observations", next_observations.rows, n);
    if (next_observations.cols != obs_dim()) {
      throw key_error(
          source, "next_observations",
          "has " + std::to_string(next_observations.cols) + " columns, 'observations' " + std::to_string(obs_dim()));
    }
  }
  for (const auto& [name, info] : infos) check_rows(source, "infos/" + name, info.rows, n);
  check_finite(source, "observations", observations.data, obs_dim());
  check_finite(source, "actions", actions.data, act_dim());
  check_finite(source, "rewards", rewards, 1);
  if (next_observations.rows) check_finite(source, "next_observations", next_observations.data, obs_dim());
}

D4rlDataset read_d4rl(const std::string& path, const ReadOptions& options) {
  const H5File file = H5File::open_read(path);
  D4rlDataset d;
  for (const char* key : {"observations", "actions", "rewards", "terminals"}) {
    if (!file.has(key)) {
      throw key_error(path, key,
                      "missing (a D4RL file has observations, actions, rewards, terminals"
                      " and, from v1 on, timeouts)");
    }
  }
  d.observations = read_matrix(file, "observations", false);
  d.actions = read_matrix(file, "actions", false);
  d.rewards = read_vector(file, "rewards");
  d.terminals = read_flag_vector(file, "terminals");
  if (file.has("timeouts")) d.timeouts = read_flag_vector(file, "timeouts");
  if (options.next_observations && file.has("next_observations")) {
    d.next_observations = read_matrix(file, "next_observations", false);
  }
  if (options.infos || options.metadata) {
    for (const KeyInfo& k : file.list()) {
      if (options.infos && k.key.rfind("infos/", 0) == 0) {
        const std::string name = k.key.substr(6);
        d.infos[name] = read_matrix(file, k.key, true);
      } else if (options.metadata && k.key.rfind("metadata/", 0) == 0) {
        const std::string name = k.key.substr(9);
        const bool scalar = k.shape.empty() || (k.shape.size() == 1 && k.shape[0] == 1);
        if (k.dtype == "string" && scalar) {
          d.metadata[name] = file.read_text(k.key);
        } else if (scalar && k.dtype.rfind("int", 0) == 0) {
          d.metadata[name] = static_cast<int64_t>(file.read_number(k.key));
        } else if (scalar && (k.dtype.rfind("float", 0) == 0 || k.dtype.rfind("uint", 0) == 0)) {
          d.metadata[name] = file.read_number(k.key);
        }
        // Arrays under metadata (D4RL stores the behaviour policy's weights there) are not loaded.
      }
    }
  }
  d.validate(path);
  return d;
}

void write_d4rl(const std::string& path, const D4rlDataset& d) {
  d.validate(path);
  write_atomically(path, [&](const std::string& temporary) {
    H5File file = H5File::create(temporary);
    const int64_t n = d.size();
    file.write_floats("observations", d.observations.data, {n, d.obs_dim()});
    file.write_floats("actions", d.actions.data, {n, d.act_dim()});
    file.write_floats("rewards", d.rewards, {n});
    file.write_flags("terminals", d.terminals);
    if (!d.timeouts.empty()) file.write_flags("timeouts", d.timeouts);
    if (d.next_observations.rows) file.write_floats("next_observations", d.next_observations.data, {n, d.obs_dim()});
    for (const auto& [name, a] : d.infos) {
      if (a.cols == 1) {
        file.write_floats("infos/" + name, a.data, {a.rows});
      } else {
        file.write_floats("infos/" + name, a.data, {a.rows, a.cols});
      }
    }
    for (const auto& [name, value] : d.metadata) {
      const std::string key = "metadata/" + name;
      if (const auto* s = std::get_if<std::string>(&value)) file.write_string(key, *s);
      if (const auto* x = std::get_if<double>(&value)) file.write_number(key, *x);
      if (const auto* i = std::get_if<int64_t>(&value)) file.write_integer(key, *i);
    }
    file.close();
  });
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::ostringstream out;
  out << "[";
  for (size_t i = 0; i < shape.size(); ++i) out << (i ? ", " : "") << shape[i];
  out << "]";
  return out.str();
}

DataError key_error(const std::string& path, const std::string& key, const std::string& what) {
  return DataError(path + ": key '" + key + "': " + what);
}

std::vector<KeyInfo> list_keys(const std::string& path) { return H5File::open_read(path).list(); }

}  // namespace mindt::datasets
