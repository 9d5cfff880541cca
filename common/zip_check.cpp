#include "common/zip_check.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <vector>

namespace mindt {
namespace {

const std::array<uint32_t, 256>& crc_table() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  return table;
}

// Little-endian fields at an offset the caller has checked lies inside the buffer.
uint64_t field(const std::vector<unsigned char>& b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | b[at + size_t(i)];
  return v;
}

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEnd = 0x06054b50,
                   kZip64Locator = 0x07064b50, kZip64End = 0x06064b50;

}  // namespace

uint32_t crc32(const void* data, size_t size, uint32_t crc) {
  const auto& table = crc_table();
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

std::string zip_damage(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot open it";
  const std::vector<unsigned char> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t n = b.size();
  auto inside = [n](uint64_t at, uint64_t length) { return at <= n && length <= n - at; };

  // The end-of-central-directory record: the last 22+ bytes, before a comment of up to 64 KiB.
  if (n < 22) return "too short to be a zip archive";
  size_t end = n - 22;
  while (field(b, end, 4) != kEnd) {
    if (end == 0 || n - end > 22 + 0xFFFF) return "no zip end record (not a LibTorch archive, or truncated)";
    --end;
  }
  uint64_t entries = field(b, end + 10, 2), directory = field(b, end + 16, 4);
  if (entries == 0xFFFF || directory == 0xFFFFFFFF) {  // zip64: the real values are in its own record
    if (end < 20 || field(b, end - 20, 4) != kZip64Locator) return "zip64 archive without its locator";
    const uint64_t record = field(b, end - 20 + 8, 8);
    if (!inside(record, 56) || field(b, record, 4) != kZip64End) return "zip64 end record out of place";
    entries = field(b, record + 32, 8);
    directory = field(b, record + 48, 8);
  }

  uint64_t at = directory;
  for (uint64_t e = 0; e < entries; ++e) {
    if (!inside(at, 46) || field(b, at, 4) != kCentralHeader) return "its central directory is damaged";
    const uint64_t method = field(b, at + 10, 2), crc = field(b, at + 16, 4), name_length = field(b, at + 28, 2),
                   extra_length = field(b, at + 30, 2), comment_length = field(b, at + 32, 2);
    uint64_t size = field(b, at + 20, 4), local = field(b, at + 42, 4);
    if (!inside(at + 46, name_length + extra_length + comment_length)) return "its central directory is damaged";
    const std::string name(b.begin() + long(at + 46), b.begin() + long(at + 46 + name_length));
    // Zip64 extra field: the 64-bit sizes and offset, present for each 32-bit field saturated at 0xFFFFFFFF.
    for (uint64_t x = at + 46 + name_length; x + 4 <= at + 46 + name_length + extra_length;) {
      const uint64_t id = field(b, x, 2), length = field(b, x + 2, 2);
      if (id == 0x0001) {
        uint64_t y = x + 4;
        auto next = [&](uint64_t& value) {
          if (value == 0xFFFFFFFF && y + 8 <= x + 4 + length && inside(y, 8)) value = field(b, y, 8), y += 8;
        };
        uint64_t uncompressed = field(b, at + 24, 4);
        next(uncompressed);
        next(size);
        next(local);
      }
      x += 4 + length;
    }
    if (!inside(local, 30) || field(b, local, 4) != kLocalHeader) return "entry '" + name + "' is out of place";
    const uint64_t data = local + 30 + field(b, local + 26, 2) + field(b, local + 28, 2);
    if (!inside(data, size)) return "entry '" + name + "' runs past the end of the file (truncated?)";
    if (method == 0 && crc32(b.data() + data, size) != crc) return "entry '" + name + "' fails its CRC-32 check";
    at += 46 + name_length + extra_length + comment_length;
  }
  return "";
}

}  // namespace mindt
