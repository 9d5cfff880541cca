// A thin RAII layer over the HDF5 C API, just what D4RL files need: open/create files, walk groups,
// read numeric arrays (converted to the type we ask for), flags, strings and scalars, and write
// gzip-compressed arrays. Every failure is a DataError naming the file and the key.
//
// HDF5's own error printing is switched off; its messages are folded into our exceptions instead.
// The library is not thread-safe: use these from one thread.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/errors.h"
#include "datasets/file_keys.h"

namespace mindt::datasets {

// Bad or unreadable data: the message names the file, the key and what was expected.
using mindt::DataError;

// Owns one HDF5 identifier (file, group, dataset, dataspace, type, property list) and closes it with
// the matching H5?close.
class Hid {
 public:
  Hid() = default;
  explicit Hid(hid_t id) : id_(id) {}
  Hid(Hid&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)) {}
  Hid& operator=(Hid&& other) noexcept;
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  ~Hid();

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  hid_t release() { return std::exchange(id_, H5I_INVALID_HID); }  // the caller closes it

 private:
  hid_t id_ = H5I_INVALID_HID;
};

class H5File {
 public:
  static H5File open_read(const std::string& path);  // DataError: missing, not HDF5
  static H5File create(const std::string& path);     // truncates

  const std::string& path() const { return path_; }
  // Flushes and closes a file being written, and says when that fails (a full disk, a file-size
  // limit): HDF5 writes its metadata only now, and the destructor could not report it.
  void close();
  bool has(const std::string& key) const;      // dataset or group at key
  std::vector<KeyInfo> list() const;           // every dataset, depth first, sorted by name
  KeyInfo info(const std::string& key) const;  // DataError when absent

  // Numeric datasets converted to float32 / float64 (integers and floats of any width accepted).
  std::vector<float> read_floats(const std::string& key) const;
  // The same, with the array's shape read from the same open (one open instead of two).
  std::vector<float> read_floats(const std::string& key, std::vector<int64_t>& shape) const;
  // A numeric dataset in its stored width — float32 or float64, so HDF5 copies without converting;
  // integers and other floats come as float64 — into buffers the caller keeps across reads (a
  // reader of thousands of small arrays then allocates nothing per array).
  struct NumericRead {
    std::vector<float> f32;  // grown, never shrunk: `count` elements are this read's
    std::vector<double> f64;
    bool is_f64 = false;
    size_t count = 0;
    std::vector<int64_t> shape;
  };
  void read_numeric(const std::string& key, NumericRead& into) const;
  // Flags: bool (h5py's enum), any integer or float type; nonzero → 1.
  std::vector<uint8_t> read_flags(const std::string& key) const;
  // A string (fixed or variable length) or a numeric scalar, rendered as text.
  std::string read_text(const std::string& key) const;
  bool is_string(const std::string& key) const;
  double read_number(const std::string& key) const;

  // Writers: rows are dims[0]; groups created as needed. Arrays are chunked and gzip-compressed, or
  // stored contiguous and uncompressed: the better layout for many small arrays each read whole
  // (one read per array, no chunk index), as a Minari file's episodes are.
  enum class Layout { kCompressed, kContiguous };
  void write_floats(const std::string& key, const std::vector<float>& data, const std::vector<int64_t>& shape,
                    Layout layout = Layout::kCompressed);
  void write_flags(const std::string& key, const std::vector<uint8_t>& data,  // h5py-compatible bool
                   Layout layout = Layout::kCompressed);
  void write_string(const std::string& key, const std::string& value);  // variable-length UTF-8
  void write_number(const std::string& key, double value);
  void write_integer(const std::string& key, int64_t value);
  // A group (and its parents) at key, and an int64 attribute on an existing group or dataset.
  void create_group(const std::string& key);
  void write_integer_attribute(const std::string& key, const std::string& name, int64_t value);

 private:
  H5File(Hid file, std::string path) : file_(std::move(file)), path_(std::move(path)) {}
  Hid open_dataset(const std::string& key) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
  void check_stored_size(const std::string& key, hid_t dataset, hssize_t count, size_t element_size) const;
  // An open numeric dataset, its type, shape and number of values (checked against its storage).
  struct NumericDataset {
    Hid dataset, type;
    H5T_class_t cls;
    std::vector<int64_t> shape;
    hssize_t points;
  };
  NumericDataset open_numeric(const std::string& key, size_t element_size) const;
  void ensure_parent_groups(const std::string& key);
  void write_scalar(const std::string& key, hid_t file_type, hid_t memory_type, const void* value);

  Hid file_;
  std::string path_;
};

}  // namespace mindt::datasets
