#include "datasets/minari_io.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/json.h"
#include "common/json_value.h"
#include "common/trial_run.h"
#include "datasets/episodes.h"
#include "datasets/file_keys.h"
#include "datasets/hdf5.h"

namespace mindt::datasets {
namespace {

namespace fs = std::filesystem;

std::string datasets_root() {
  if (const char* root = std::getenv("MINARI_DATASETS_PATH"); root && *root) return root;
  const char* home = std::getenv("HOME");
  return (fs::path(home ? home : ".") / ".minari" / "datasets").string();
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

DataError metadata_error(const std::string& file, const std::string& key, const std::string& what) {
  return DataError(file + ": " + key + ": " + what);
}

// The space description (JSON inside a string): a 1-D Box is all the decision models take.
int64_t box_size(const json::Value& metadata, const std::string& key, const std::string& file, bool observation) {
  const json::Value* text = metadata.find(key);
  if (!text) throw metadata_error(file, key, "missing");
  json::Value space;
  try {
    space = json::parse(text->as_string(), file + ": " + key, /*allow_non_finite=*/true);
  } catch (const std::invalid_argument& e) {
    throw metadata_error(file, key, std::string("expected a space description in a string: ") + e.what());
  } catch (const json::ParseError& e) {
    throw DataError(e.what());
  }
  try {
    const std::string& type = space.at("type").as_string();
    if (type != "Box") throw metadata_error(file, key, "a " + type + " space; mindt takes Box spaces only");
    const json::Value::Array& shape = space.at("shape").as_array();
    const json::Value* dtype = space.find("dtype");
    if (observation && shape.size() >= 2 && dtype && dtype->is_string() && dtype->as_string() == "uint8") {
      throw metadata_error(
          file, key,
          "image observations (uint8, shape of rank " + std::to_string(shape.size()) + ") are not supported");
    }
    if (shape.size() != 1) {
      throw metadata_error(file, key,
                           "a Box of rank " + std::to_string(shape.size()) + "; mindt takes vectors (rank 1)");
    }
    return shape[0].as_integer();
  } catch (const std::invalid_argument& e) {
    throw metadata_error(file, key, std::string("not a space description (") + e.what() + ")");
  }
}

// Reads key into `r` and checks it is a finite [rows, cols] array (rows < 0: any; cols == 1 also
// takes a vector). The buffers in `r` are reused from episode to episode.
void read_rows(const H5File& file, const std::string& key, int64_t rows, int64_t cols, H5File::NumericRead& r) {
  file.read_numeric(key, r);
  const std::vector<int64_t>& shape = r.shape;
  const bool vector = cols == 1 && shape.size() == 1;
  if (!vector && (shape.size() != 2 || shape[1] != cols)) {
    const std::string expected = (rows >= 0 ? std::to_string(rows) : std::string("N")) + ", " + std::to_string(cols);
    throw key_error(file.path(), key, "expected shape [" + expected + "], got " + shape_text(shape));
  }
  if (rows >= 0 && shape[0] != rows) {
    throw key_error(file.path(), key, "has " + std::to_string(shape[0]) + " rows, expected " + std::to_string(rows));
  }
  auto check_finite = [&](const auto* data) {
    for (size_t i = 0; i < r.count; ++i) {  // named by the episode's own key and row
      if (!std::isfinite(data[i])) {
        throw key_error(file.path(), key,
                        std::string("contains ") + (std::isnan(data[i]) ? "NaN" : "inf") + " at row " +
                            std::to_string(int64_t(i) / cols));
      }
    }
  };
  if (r.is_f64) {
    check_finite(r.f64.data());
  } else {
    check_finite(r.f32.data());
  }
}

// Appends rows [first_row, first_row + rows) of what `r` holds to `to`, as float32.
void append_rows(std::vector<float>& to, const H5File::NumericRead& r, int64_t cols, int64_t first_row, int64_t rows) {
  const size_t from = static_cast<size_t>(first_row * cols), n = static_cast<size_t>(rows * cols);
  if (r.is_f64) {
    const size_t end = to.size();
    to.resize(end + n);
    std::transform(r.f64.begin() + from, r.f64.begin() + from + n, to.begin() + end,
                   [](double x) { return static_cast<float>(x); });
  } else {
    to.insert(to.end(), r.f32.begin() + from, r.f32.begin() + from + n);
  }
}

std::vector<uint8_t> read_flags(const H5File& file, const std::string& key, int64_t rows) {
  std::vector<uint8_t> flags = file.read_flags(key);
  if (int64_t(flags.size()) != rows) {
    throw key_error(file.path(), key,
                    "has " + std::to_string(flags.size()) + " rows, expected " + std::to_string(rows));
  }
  return flags;
}

}  // namespace

bool is_minari_source(const std::string& path_or_id) {
  if (fs::is_directory(path_or_id)) return true;
  if (fs::exists(path_or_id)) return false;
  return !ends_with(path_or_id, ".hdf5") && !ends_with(path_or_id, ".h5");
}

std::string minari_dataset_dir(const std::string& path_or_id) {
  if (fs::is_directory(path_or_id)) {
    if (fs::exists(fs::path(path_or_id) / "data" / "metadata.json")) return path_or_id;
    if (fs::exists(fs::path(path_or_id) / "metadata.json")) return fs::path(path_or_id).parent_path().string();
    throw DataError(path_or_id + ": not a Minari dataset (no data/metadata.json in it)");
  }
  const std::string root = datasets_root();
  const fs::path dir = fs::path(root) / path_or_id;
  if (fs::exists(dir / "data" / "metadata.json")) return dir.string();
  throw DataError("no Minari dataset '" + path_or_id + "' in " + root + " (looked for " +
                  (dir / "data" / "metadata.json").string() + "; $MINARI_DATASETS_PATH sets the folder). " +
                  "mindt downloads nothing: get it with `minari download " + path_or_id +
                  "`, or give a D4RL file (.hdf5) or a dataset folder");
}

D4rlDataset read_minari(const std::string& path_or_id, const ReadOptions& options) {
  const fs::path dir = minari_dataset_dir(path_or_id);
  const std::string metadata_file = (dir / "data" / "metadata.json").string();
  json::Value metadata;
  try {
    metadata = json::parse_file(metadata_file);
    metadata.as_object();
  } catch (const json::ParseError& e) {
    throw DataError(e.what());
  } catch (const std::invalid_argument& e) {
    throw DataError(metadata_file + ": expected a JSON object (" + e.what() + ")");
  }
  auto integer = [&](const std::string& key) {
    try {
      return metadata.at(key).as_integer();
    } catch (const std::invalid_argument& e) {
      throw metadata_error(metadata_file, key, e.what());
    }
  };
  if (const json::Value* format = metadata.find("data_format");
      format && !(format->is_string() && format->as_string() == "hdf5")) {
    throw metadata_error(metadata_file, "data_format",
                         (format->is_string() ? "'" + format->as_string() + "'" : std::string(format->kind())) +
                             ": mindt reads the hdf5 backend only (convert with minari, or re-create the dataset "
                             "with data_format='hdf5')");
  }
  const int64_t episodes = integer("total_episodes"), total_steps = integer("total_steps");
  const int64_t obs_dim = box_size(metadata, "observation_space", metadata_file, true);
  const int64_t act_dim = box_size(metadata, "action_space", metadata_file, false);

  const H5File file = H5File::open_read((dir / "data" / "main_data.hdf5").string());
  // Metadata sizes every buffer below, so it must describe data the file could hold (1100: past
  // deflate's best ratio), or a damaged number would reserve terabytes.
  if (obs_dim < 1) throw metadata_error(metadata_file, "observation_space", "its shape must be positive");
  if (act_dim < 1) throw metadata_error(metadata_file, "action_space", "its shape must be positive");
  const double claimed_bytes = double(std::max<int64_t>(total_steps, 0)) * double(obs_dim + act_dim) * 4;
  if (claimed_bytes > 1100.0 * double(fs::file_size(dir / "data" / "main_data.hdf5")) + 1e6) {
    throw metadata_error(metadata_file, "total_steps",
                         std::to_string(total_steps) + " steps cannot be in data/main_data.hdf5 of " +
                             std::to_string(fs::file_size(dir / "data" / "main_data.hdf5")) + " bytes (damaged?)");
  }
  D4rlDataset d;
  // Sized from metadata once (checked against the episodes below), so loading never holds two
  // copies of a growing array.
  const size_t expected = static_cast<size_t>(std::max<int64_t>(total_steps, 0));
  d.observations.data.reserve(expected * obs_dim);
  if (options.next_observations) d.next_observations.data.reserve(expected * obs_dim);
  d.actions.data.reserve(expected * act_dim);
  d.rewards.reserve(expected);
  d.terminals.reserve(expected);
  d.timeouts.reserve(expected);
  d.observations.cols = d.next_observations.cols = obs_dim;
  d.actions.cols = act_dim;
  H5File::NumericRead actions, obs, rewards;
  int64_t steps = 0;
  for (int64_t i = 0; i < episodes; ++i) {
    const std::string group = "episode_" + std::to_string(i);
    try {
      read_rows(file, group + "/actions", -1, act_dim, actions);
    } catch (const DataError&) {
      // Looked up only when a read fails: one lookup fewer per episode on the way that succeeds.
      if (!file.has(group)) {
        throw DataError(file.path() + ": group '" + group + "': missing (metadata.json says " +
                        std::to_string(episodes) + " episodes)");
      }
      throw;
    }
    const int64_t n = actions.shape[0];
    read_rows(file, group + "/observations", n + 1, obs_dim, obs);
    append_rows(d.observations.data, obs, obs_dim, 0, n);
    if (options.next_observations) append_rows(d.next_observations.data, obs, obs_dim, 1, n);
    append_rows(d.actions.data, actions, act_dim, 0, n);
    read_rows(file, group + "/rewards", n, 1, rewards);
    append_rows(d.rewards, rewards, 1, 0, n);
    const std::vector<uint8_t> terminations = read_flags(file, group + "/terminations", n);
    const std::vector<uint8_t> truncations = read_flags(file, group + "/truncations", n);
    d.terminals.insert(d.terminals.end(), terminations.begin(), terminations.end());
    d.timeouts.insert(d.timeouts.end(), truncations.begin(), truncations.end());
    steps += n;
  }
  d.observations.rows = d.actions.rows = steps;
  if (options.next_observations) d.next_observations.rows = steps;
  if (steps != total_steps) {
    throw metadata_error(metadata_file, "total_steps",
                         std::to_string(total_steps) + ", but the episodes hold " + std::to_string(steps) + " steps");
  }
  if (options.metadata) {
    try {
      const json::Value spec = json::parse(metadata.at("env_spec").as_string(), metadata_file + ": env_spec", true);
      d.metadata["env"] = spec.at("id").as_string();
    } catch (const std::invalid_argument& e) {
      throw metadata_error(metadata_file, "env_spec",
                           std::string("expected an env spec with an id (") + e.what() + ")");
    } catch (const json::ParseError& e) {
      throw DataError(e.what());
    }
    if (const json::Value* id = metadata.find("dataset_id"); id && id->is_string()) {
      d.metadata["minari/dataset_id"] = id->as_string();
    }
    for (const char* key : {"ref_min_score", "ref_max_score"}) {
      if (const json::Value* v = metadata.find(key); v && v->is_number())
        d.metadata[std::string("minari/") + key] = v->as_number();
    }
  }
  d.validate(dir.string());
  return d;
}

void write_minari(const std::string& dir, const D4rlDataset& d, const MinariInfo& info) {
  d.validate(dir);
  if (fs::exists(dir)) throw DataError(dir + ": already exists; choose another output or remove it");
  if (d.next_observations.rows != d.size()) {
    throw DataError(dir +
                    ": a Minari dataset stores each episode's final observation, so the data needs "
                    "next_observations (read D4RL files with them; v0 files have none)");
  }
  const std::vector<Episode> episodes = split_episodes(d.terminals, d.timeouts, d.rewards);
  // A folder renamed whole: readers see all of it or nothing.
  write_folder_atomically(dir, [&](const std::string& temporary_dir) {
    const fs::path temporary(temporary_dir);
    fs::create_directories(temporary / "data");
    {
      H5File file = H5File::create((temporary / "data" / "main_data.hdf5").string());
      // Contiguous and uncompressed, as Minari's own files are uncompressed: thousands of small
      // arrays each read whole load twice as fast so (no chunk index or inflate per array).
      constexpr auto kLayout = H5File::Layout::kContiguous;
      for (size_t i = 0; i < episodes.size(); ++i) {
        const Episode& e = episodes[i];
        const int64_t n = e.length, last = e.start + n - 1;
        const std::string group = "episode_" + std::to_string(i);
        std::vector<float> obs(d.observations.row(e.start), d.observations.row(e.start) + n * d.obs_dim());
        obs.insert(obs.end(), d.next_observations.row(last), d.next_observations.row(last) + d.obs_dim());
        file.write_floats(group + "/observations", obs, {n + 1, d.obs_dim()}, kLayout);
        file.write_floats(group + "/actions", {d.actions.row(e.start), d.actions.row(e.start) + n * d.act_dim()},
                          {n, d.act_dim()}, kLayout);
        file.write_floats(group + "/rewards", {d.rewards.begin() + e.start, d.rewards.begin() + e.start + n}, {n},
                          kLayout);
        std::vector<uint8_t> terminations(d.terminals.begin() + e.start, d.terminals.begin() + e.start + n);
        std::vector<uint8_t> truncations(n, 0);
        if (!d.timeouts.empty()) std::copy_n(d.timeouts.begin() + e.start, n, truncations.begin());
        if (e.end == EpisodeEnd::kUnfinished) truncations.back() = 1;  // as Minari ends a cut episode
        file.write_flags(group + "/terminations", terminations, kLayout);
        file.write_flags(group + "/truncations", truncations, kLayout);
        file.create_group(group + "/infos");
        file.write_integer_attribute(group, "id", static_cast<int64_t>(i));
        file.write_integer_attribute(group, "total_steps", n);
      }
      file.close();
    }
    json::Writer m;
    m.begin_object().field("total_episodes", int64_t(episodes.size())).field("total_steps", d.size());
    m.field("data_format", "hdf5").field("jpeg_encoding", false);
    m.field("observation_space", info.observation_space).field("action_space", info.action_space);
    m.field("env_spec", info.env_spec);
    m.field("dataset_size", std::round(double(fs::file_size(temporary / "data" / "main_data.hdf5")) / 1e5) / 10);
    m.field("dataset_id", info.dataset_id).field("algorithm_name", info.algorithm_name);
    m.field("minari_version", "0.5.4");
    if (info.ref_min_score && info.ref_max_score) {
      m.field("ref_min_score", *info.ref_min_score).field("ref_max_score", *info.ref_max_score);
      m.field("num_episodes_average_score", int64_t{100});
    }
    write_text_atomically((temporary / "data" / "metadata.json").string(), m.end_object().str());
  });
}

std::optional<std::pair<double, double>> minari_reference_scores(const std::string& path_or_id) {
  if (!is_minari_source(path_or_id)) return std::nullopt;
  const std::string file = (fs::path(minari_dataset_dir(path_or_id)) / "data" / "metadata.json").string();
  try {
    const json::Value metadata = json::parse_file(file);
    const json::Value *lo = metadata.find("ref_min_score"), *hi = metadata.find("ref_max_score");
    if (!lo || !hi || !lo->is_number() || !hi->is_number()) return std::nullopt;
    return std::make_pair(lo->as_number(), hi->as_number());
  } catch (const json::ParseError& e) {
    throw DataError(e.what());
  } catch (const std::invalid_argument& e) {
    throw DataError(file + ": expected a JSON object (" + e.what() + ")");
  }
}

D4rlDataset read_dataset(const std::string& path_or_id, const ReadOptions& options) {
  return is_minari_source(path_or_id) ? read_minari(path_or_id, options) : read_d4rl(path_or_id, options);
}

D4rlDataset read_dataset_guarded(const std::string& path_or_id, const ReadOptions& options) {
  trial_run(path_or_id, "libhdf5", [&] { (void)read_dataset(path_or_id, options); });
  return read_dataset(path_or_id, options);
}

}  // namespace mindt::datasets
