#include "datasets/hdf5.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace mindt::datasets {
namespace {

// No HDF5 shutdown at exit: a file whose write failed (a full disk) stays open inside HDF5 however
// it is closed, and its exit handler then crashes flushing it again. Every file mindt writes is
// closed (and checked) explicitly, so there is nothing for that handler to do. Runs before any
// other HDF5 call, as H5dont_atexit requires.
[[maybe_unused]] const bool kNoHdf5ExitHandler = [] {
  H5dont_atexit();
  return true;
}();

// HDF5 prints an error stack to stderr on every failed call unless told not to; we report errors
// ourselves, once, with the file and key.
void silence_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

std::string dtype_name(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  switch (cls) {
    case H5T_FLOAT:
      return "float" + std::to_string(8 * size);
    case H5T_INTEGER:
      return std::string(H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(8 * size);
    case H5T_ENUM:
      return H5Tget_nmembers(type) == 2 && size == 1 ? "bool" : "enum";
    case H5T_STRING:
      return "string";
    default:
      return "other";
  }
}

}  // namespace

Hid& Hid::operator=(Hid&& other) noexcept {
  if (this != &other) {
    this->~Hid();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
  }
  return *this;
}

Hid::~Hid() {
  if (id_ < 0) return;
  switch (H5Iget_type(id_)) {
    case H5I_FILE:
      H5Fclose(id_);
      break;
    case H5I_GROUP:
      H5Gclose(id_);
      break;
    case H5I_DATASET:
      H5Dclose(id_);
      break;
    case H5I_DATASPACE:
      H5Sclose(id_);
      break;
    case H5I_DATATYPE:
      H5Tclose(id_);
      break;
    case H5I_GENPROP_LST:
      H5Pclose(id_);
      break;
    case H5I_ATTR:
      H5Aclose(id_);
      break;
    default:
      break;
  }
  id_ = H5I_INVALID_HID;
}

H5File H5File::open_read(const std::string& path) {
  silence_hdf5();
  if (!std::filesystem::exists(path)) throw DataError(path + ": no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw DataError(path + ": not an HDF5 file");
  Hid file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!file.valid()) throw DataError(path + ": cannot open the HDF5 file (damaged or unreadable)");
  return H5File(std::move(file), path);
}

void H5File::close() {
  errno = 0;
  const herr_t flushed = H5Fflush(file_.get(), H5F_SCOPE_LOCAL);
  const int flush_errno = errno;
  const herr_t closed = H5Fclose(file_.release());
  if (flushed < 0 || closed < 0) {
    throw DataError(path_ + ": cannot write it" +
                    (flush_errno ? std::string(" (") + std::strerror(flush_errno) + ")" : std::string()) +
                    "; nothing was kept");
  }
}

H5File H5File::create(const std::string& path) {
  silence_hdf5();
  // The 1.10 file format: its object headers, B-trees and heaps carry checksums, so a damaged
  // file's metadata is refused by HDF5 instead of parsed — libhdf5 crashed on mutated headers of the
  // original format. h5py (and so D4RL's and Minari's tools) read it.
  Hid fapl(H5Pcreate(H5P_FILE_ACCESS));
  H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V110, H5F_LIBVER_V110);
  Hid fcpl(H5Pcreate(H5P_FILE_CREATE));
  H5Pset_obj_track_times(fcpl.get(), 0);  // the root group too: the same data gives the same bytes
  Hid file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()));
  if (!file.valid()) throw DataError(path + ": cannot create the HDF5 file");
  return H5File(std::move(file), path);
}

void H5File::fail(const std::string& key, const std::string& what) const {
  throw DataError(path_ + ": key '" + key + "': " + what);
}

bool H5File::has(const std::string& key) const {
  // H5Lexists needs every parent to exist, so test the path one component at a time.
  std::string partial;
  size_t from = 0;
  while (true) {
    const size_t slash = key.find('/', from);
    partial = key.substr(0, slash);
    if (H5Lexists(file_.get(), partial.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
    from = slash + 1;
  }
}

Hid H5File::open_dataset(const std::string& key) const {
  // Looked up before opening, though H5Dopen2 alone would do: without the lookup, reading a Minari
  // file's thousands of small datasets peaked 40 % higher (HDF5's metadata cache, measured).
  if (!has(key)) fail(key, "missing");
  Hid dataset(H5Dopen2(file_.get(), key.c_str(), H5P_DEFAULT));
  if (!dataset.valid()) fail(key, "is not a dataset");
  return dataset;
}

KeyInfo H5File::info(const std::string& key) const {
  const Hid dataset = open_dataset(key);
  const Hid type(H5Dget_type(dataset.get()));
  const Hid space(H5Dget_space(dataset.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(key, "has an unreadable shape");
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return {key, dtype_name(type.get()), std::vector<int64_t>(dims.begin(), dims.end())};
}

std::vector<KeyInfo> H5File::list() const {
  std::vector<std::string> keys;
  auto visit = [](hid_t, const char* name, const H5O_info_t* info, void* out) -> herr_t {
    if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
  };
  if (H5Ovisit(file_.get(), H5_INDEX_NAME, H5_ITER_INC, visit, &keys) < 0) {
    throw DataError(path_ + ": cannot list the file's contents (damaged?)");
  }
  std::sort(keys.begin(), keys.end());
  std::vector<KeyInfo> infos;
  infos.reserve(keys.size());
  for (const auto& k : keys) infos.push_back(info(k));
  return infos;
}

std::vector<float> H5File::read_floats(const std::string& key) const {
  std::vector<int64_t> shape;
  return read_floats(key, shape);
}

H5File::NumericDataset H5File::open_numeric(const std::string& key, size_t element_size) const {
  NumericDataset d{open_dataset(key), Hid(), H5T_NO_CLASS, {}, 0};
  d.type = Hid(H5Dget_type(d.dataset.get()));
  d.cls = H5Tget_class(d.type.get());
  if (d.cls != H5T_FLOAT && d.cls != H5T_INTEGER)
    fail(key, "expected a numeric array, got " + dtype_name(d.type.get()));
  const Hid space(H5Dget_space(d.dataset.get()));
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(key, "has an unreadable shape");
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  d.shape.assign(dims.begin(), dims.end());
  d.points = H5Sget_simple_extent_npoints(space.get());
  check_stored_size(key, d.dataset.get(), d.points, element_size);
  return d;
}

std::vector<float> H5File::read_floats(const std::string& key, std::vector<int64_t>& shape) const {
  const NumericDataset d = open_numeric(key, sizeof(float));
  shape = d.shape;
  std::vector<float> out(static_cast<size_t>(d.points));
  // HDF5 converts from the stored type (e.g. float64) while reading, through a small buffer: no
  // second full-size copy.
  if (d.points > 0 && H5Dread(d.dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) {
    fail(key, "cannot read the data (damaged file?)");
  }
  return out;
}

void H5File::check_stored_size(const std::string& key, hid_t dataset, hssize_t count, size_t element_size) const {
  // A damaged header can claim any shape. Refuse one the stored bytes cannot hold before allocating
  // for it: deflate shrinks at most ~1032:1, so a dataset whose storage is 1/1100 of its claimed
  // size (and over 1 MiB) is a damaged file, not a well-compressed one.
  if (count < 0) fail(key, "has an unreadable shape (damaged file?)");
  const long double claimed = static_cast<long double>(count) * static_cast<long double>(element_size);
  const long double stored = static_cast<long double>(H5Dget_storage_size(dataset));
  if (claimed > (1 << 20) && claimed > stored * 1100) {
    fail(key, "claims " + std::to_string(count) + " values (" +
                  std::to_string(static_cast<double>(claimed) / (1 << 30)) + " GiB) but stores " +
                  std::to_string(static_cast<int64_t>(stored)) + " bytes (damaged file?)");
  }
}

namespace {
template <typename T>
void grow_to(std::vector<T>& buffer, size_t n) {
  if (buffer.size() < n) buffer.resize(n);
}
}  // namespace

void H5File::read_numeric(const std::string& key, NumericRead& into) const {
  const NumericDataset d = open_numeric(key, sizeof(double));
  into.shape = d.shape;
  into.count = static_cast<size_t>(d.points);
  into.is_f64 = !(d.cls == H5T_FLOAT && H5Tget_size(d.type.get()) == sizeof(float));
  void* data;
  if (into.is_f64) {
    grow_to(into.f64, into.count);
    data = into.f64.data();
  } else {
    grow_to(into.f32, into.count);
    data = into.f32.data();
  }
  const hid_t memory_type = into.is_f64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT;
  if (into.count > 0 && H5Dread(d.dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    fail(key, "cannot read the data (damaged file?)");
  }
}

std::vector<uint8_t> H5File::read_flags(const std::string& key) const {
  const Hid dataset = open_dataset(key);
  const Hid type(H5Dget_type(dataset.get()));
  const Hid space(H5Dget_space(dataset.get()));
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  check_stored_size(key, dataset.get(), n, 1);
  std::vector<uint8_t> out(static_cast<size_t>(n));
  if (n == 0) return out;
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls == H5T_ENUM) {
    // h5py's bool: an enum over int8 {FALSE = 0, TRUE = 1}. Read as its base integer type, checked
    // first, so HDF5 never walks the enum's members: H5Tget_native_type on a corrupted enum (a
    // byte-mutated file) crashed inside libhdf5.
    const Hid base(H5Tget_super(type.get()));
    const size_t size = base.valid() ? H5Tget_size(base.get()) : 0;
    if (!base.valid() || H5Tget_class(base.get()) != H5T_INTEGER ||
        (size != 1 && size != 2 && size != 4 && size != 8)) {
      fail(key, "corrupt datatype (an enum whose base is not a 1, 2, 4 or 8-byte integer)");
    }
    std::vector<double> values(static_cast<size_t>(n));
    if (H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
      fail(key, "cannot read the data (damaged file?)");
    }
    for (hssize_t i = 0; i < n; ++i) out[i] = values[i] != 0.0;
    return out;
  }
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    fail(key, "expected flags (bool, integer or float), got " + dtype_name(type.get()));
  std::vector<double> values(static_cast<size_t>(n));
  if (H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0) {
    fail(key, "cannot read the data (damaged file?)");
  }
  for (hssize_t i = 0; i < n; ++i) {
    if (values[i] != 0.0 && values[i] != 1.0) {
      fail(key, "expected flags of 0 or 1, got " + std::to_string(values[i]) + " at row " + std::to_string(i));
    }
    out[i] = values[i] != 0.0;
  }
  return out;
}

bool H5File::is_string(const std::string& key) const {
  const Hid dataset = open_dataset(key);
  const Hid type(H5Dget_type(dataset.get()));
  return H5Tget_class(type.get()) == H5T_STRING;
}

std::string H5File::read_text(const std::string& key) const {
  const Hid dataset = open_dataset(key);
  const Hid type(H5Dget_type(dataset.get()));
  if (H5Tget_class(type.get()) != H5T_STRING) {
    std::string text = std::to_string(read_number(key));
    return text;
  }
  const Hid space(H5Dget_space(dataset.get()));
  if (H5Sget_simple_extent_npoints(space.get()) != 1) fail(key, "expected a single string");
  if (H5Tis_variable_str(type.get()) > 0) {
    const Hid memory(H5Tcopy(H5T_C_S1));
    H5Tset_size(memory.get(), H5T_VARIABLE);
    H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
    char* value = nullptr;
    if (H5Dread(dataset.get(), memory.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) < 0)
      fail(key, "cannot read the string");
    std::string text = value ? value : "";
    H5free_memory(value);
    return text;
  }
  const size_t size = H5Tget_size(type.get());
  check_stored_size(key, dataset.get(), 1, size);
  std::string text(size, '\0');
  if (H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()) < 0)
    fail(key, "cannot read the string");
  text.resize(std::strlen(text.c_str()));  // fixed-length strings are NUL-padded
  return text;
}

double H5File::read_number(const std::string& key) const {
  const Hid dataset = open_dataset(key);
  const Hid type(H5Dget_type(dataset.get()));
  const H5T_class_t cls = H5Tget_class(type.get());
  const Hid space(H5Dget_space(dataset.get()));
  if ((cls != H5T_FLOAT && cls != H5T_INTEGER) || H5Sget_simple_extent_npoints(space.get()) != 1) {
    fail(key, "expected a numeric scalar");
  }
  double value = 0;
  if (H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value) < 0) fail(key, "cannot read it");
  return value;
}

void H5File::create_group(const std::string& key) { ensure_parent_groups(key + "/"); }

void H5File::write_integer_attribute(const std::string& key, const std::string& name, int64_t value) {
  const Hid object(H5Oopen(file_.get(), key.c_str(), H5P_DEFAULT));
  if (!object.valid()) fail(key, "cannot open it to set attribute '" + name + "'");
  const Hid space(H5Screate(H5S_SCALAR));
  const Hid attribute(H5Acreate2(object.get(), name.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (!attribute.valid() || H5Awrite(attribute.get(), H5T_NATIVE_INT64, &value) < 0) {
    fail(key, "cannot write attribute '" + name + "'");
  }
}

void H5File::ensure_parent_groups(const std::string& key) {
  for (size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', slash + 1)) {
    const std::string group = key.substr(0, slash);
    if (H5Lexists(file_.get(), group.c_str(), H5P_DEFAULT) > 0) continue;
    Hid gcpl(H5Pcreate(H5P_GROUP_CREATE));
    H5Pset_obj_track_times(gcpl.get(), 0);  // no timestamps: the same data gives the same bytes
    Hid created(H5Gcreate2(file_.get(), group.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT));
    if (!created.valid()) fail(key, "cannot create group '" + group + "'");
  }
}

namespace {

// Chunks of about 1 MiB whole rows: large enough for gzip to work well, small enough to stream.
// Dataset creation properties without modification times, so files are reproducible byte for byte.
Hid untimed() {
  Hid plist(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_obj_track_times(plist.get(), 0);
  return plist;
}

Hid chunked_gzip(const std::vector<hsize_t>& dims, size_t element_size) {
  Hid plist = untimed();
  if (dims.empty() || dims[0] == 0) return plist;
  std::vector<hsize_t> chunk = dims;
  hsize_t row_bytes = element_size;
  for (size_t i = 1; i < dims.size(); ++i) row_bytes *= dims[i];
  chunk[0] = std::clamp<hsize_t>((1u << 20) / std::max<hsize_t>(row_bytes, 1), 1, dims[0]);
  H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data());
  H5Pset_deflate(plist.get(), 4);
  return plist;
}

}  // namespace

void H5File::write_floats(const std::string& key, const std::vector<float>& data, const std::vector<int64_t>& shape,
                          Layout layout) {
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  hsize_t count = 1;
  for (hsize_t d : dims) count *= d;
  if (count != data.size()) fail(key, "shape does not match the data's size");
  ensure_parent_groups(key);
  const Hid space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr));
  const Hid plist = layout == Layout::kCompressed ? chunked_gzip(dims, sizeof(float)) : untimed();
  const Hid dataset(
      H5Dcreate2(file_.get(), key.c_str(), H5T_IEEE_F32LE, space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT));
  if (!dataset.valid() ||
      (count > 0 && H5Dwrite(dataset.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)) {
    fail(key, "cannot write it");
  }
}

void H5File::write_flags(const std::string& key, const std::vector<uint8_t>& data, Layout layout) {
  // The type h5py gives numpy bool, so Python readers get bool arrays back.
  const Hid type(H5Tenum_create(H5T_NATIVE_INT8));
  const int8_t no = 0, yes = 1;
  H5Tenum_insert(type.get(), "FALSE", &no);
  H5Tenum_insert(type.get(), "TRUE", &yes);
  ensure_parent_groups(key);
  const std::vector<hsize_t> dims = {data.size()};
  const Hid space(H5Screate_simple(1, dims.data(), nullptr));
  const Hid plist = layout == Layout::kCompressed ? chunked_gzip(dims, 1) : untimed();
  const Hid dataset(
      H5Dcreate2(file_.get(), key.c_str(), type.get(), space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT));
  std::vector<int8_t> values(data.begin(), data.end());
  for (auto& v : values) v = v != 0;
  if (!dataset.valid() ||
      (!data.empty() && H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)) {
    fail(key, "cannot write it");
  }
}

void H5File::write_string(const std::string& key, const std::string& value) {
  // Fixed length, stored in the dataset itself: a variable-length string lives in HDF5's global
  // heap, which has no checksum, and libhdf5 crashed reading a damaged one. h5py reads it as bytes.
  const Hid type(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), std::max<size_t>(value.size(), 1));
  H5Tset_strpad(type.get(), H5T_STR_NULLPAD);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  ensure_parent_groups(key);
  const Hid space(H5Screate(H5S_SCALAR));
  const Hid dataset(
      H5Dcreate2(file_.get(), key.c_str(), type.get(), space.get(), H5P_DEFAULT, untimed().get(), H5P_DEFAULT));
  std::string padded = value;
  padded.resize(std::max<size_t>(value.size(), 1), '\0');
  if (!dataset.valid() || H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()) < 0)
    fail(key, "cannot write it");
}

void H5File::write_scalar(const std::string& key, hid_t file_type, hid_t memory_type, const void* value) {
  ensure_parent_groups(key);
  const Hid space(H5Screate(H5S_SCALAR));
  const Hid dataset(
      H5Dcreate2(file_.get(), key.c_str(), file_type, space.get(), H5P_DEFAULT, untimed().get(), H5P_DEFAULT));
  if (!dataset.valid() || H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) < 0)
    fail(key, "cannot write it");
}

void H5File::write_number(const std::string& key, double value) {
  write_scalar(key, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void H5File::write_integer(const std::string& key, int64_t value) {
  write_scalar(key, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

}  // namespace mindt::datasets
