// Reading the fields of a mindt archive (a decision-model or language-model checkpoint) with every
// absence, type and shape checked, and every failure a CheckpointError naming the file.
#pragma once

#include <c10/core/Device.h>
#include <c10/util/Exception.h>

#include <cstdint>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>

#include "agents/archive_file.h"
#include "common/errors.h"

namespace torch::nn {
class Module;
}
namespace torch::serialize {
class InputArchive;
}  // namespace torch::serialize

namespace mindt {

struct CheckpointError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The layout version every mindt checkpoint carries as mindt/format.
inline constexpr int64_t kCheckpointFormat = 1;

// The model's parameter and buffer names, one per line (what a checkpoint records of its layers).
std::string tensor_names(torch::nn::Module& model);

std::string read_string(torch::serialize::InputArchive& archive, const std::string& key, const std::string& source);
int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key, const std::string& source);
double read_double(torch::serialize::InputArchive& archive, const std::string& key, const std::string& source);

// CheckpointError unless mindt/format is kCheckpointFormat.
void check_checkpoint_format(torch::serialize::InputArchive& archive, const std::string& source);

// Every parameter is stored in its checkpoint (float32), so a config describing more than the file
// `source` holds is damaged, and building it could exhaust memory before any shape check:
// CheckpointError when 4 × `parameters` (the caller's lower bound) exceeds the file's size.
void check_parameters_fit_file(double parameters, const std::string& source);

// Copies the archive's tensors into `module`, checking that each is there with the module's shape
// (Module::load would silently adopt a stored tensor of another shape).
void read_module(torch::serialize::InputArchive& archive, torch::nn::Module& module, const std::string& prefix,
                 const std::string& source);

// Opens `path` as an archive with its tensors on `device` (a resumed optimizer's state must be where
// its parameters are); CheckpointError when it is missing or not a sound archive.
void open_checkpoint(const std::string& path, torch::serialize::InputArchive& archive,
                     const c10::Device& device = c10::Device(c10::kCPU));

// Runs `read`, turning what LibTorch's unpickler and the config parser throw on a damaged file
// (c10::Error, torch::jit::ErrorReport, std::runtime_error, ConfigError) into a CheckpointError
// naming the file: users see one kind of error, and it says which file.
template <class Read>
auto translating_errors(const std::string& source, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const CheckpointError&) {
    throw;
  } catch (const ConfigError& e) {
    throw CheckpointError(e.what());  // it names the source already
  } catch (const std::bad_alloc&) {
    throw CheckpointError(source + ": damaged checkpoint (it describes a model too large to build)");
  } catch (const std::exception& e) {  // c10::Error, torch::jit::ErrorReport, std::runtime_error
    throw CheckpointError(source + ": damaged checkpoint (" + error_text(e) + ")");
  }
}

}  // namespace mindt
