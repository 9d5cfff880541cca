#include "common/zip_check.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <vector>

namespace mindt {
namespace {

// Slicing-by-8 tables: t[0] is the classic byte table, t[k][n] the CRC of byte n followed by k zero
// bytes, so eight bytes are folded per step (≈ 8× the byte-at-a-time speed; a checkpoint is read
// once more for the check, and should not cost much more than LibTorch's own read).
using CrcTables = std::array<std::array<uint32_t, 256>, 8>;

const CrcTables& crc_tables() {
  static const CrcTables tables = [] {
    CrcTables t{};
    for (uint32_t n = 0; n < 256; ++n) {
      uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; ++n)
      for (int k = 1; k < 8; ++k) t[k][n] = (t[k - 1][n] >> 8) ^ t[0][t[k - 1][n] & 0xff];
    return t;
  }();
  return tables;
}

// Little-endian fields at an offset the caller has checked lies inside the buffer.
uint64_t field(const unsigned char* b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | b[at + size_t(i)];
  return v;
}

constexpr uint32_t kLocalHeader = 0x04034b50, kCentralHeader = 0x02014b50, kEnd = 0x06054b50,
                   kZip64Locator = 0x07064b50, kZip64End = 0x06064b50;

}  // namespace

uint32_t crc32(const void* data, size_t size, uint32_t crc) {
  const CrcTables& t = crc_tables();
  const auto* p = static_cast<const unsigned char*>(data);
  crc = ~crc;
  for (; size >= 8; size -= 8, p += 8) {
    const uint32_t low = crc ^ (uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
    crc = t[7][low & 0xff] ^ t[6][low >> 8 & 0xff] ^ t[5][low >> 16 & 0xff] ^ t[4][low >> 24] ^ t[3][p[4]] ^
          t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
  }
  for (; size > 0; --size, ++p) crc = t[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
  return ~crc;
}

std::string zip_damage(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "cannot open it";
  std::vector<unsigned char> b(size_t(std::max<std::streamoff>(in.tellg(), 0)));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(b.data()), std::streamsize(b.size()))) return "cannot read it";
  return zip_damage(b.data(), b.size());
}

std::string zip_damage(const unsigned char* b, size_t n) {
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
    uint64_t size = field(b, at + 20, 4), uncompressed = field(b, at + 24, 4), local = field(b, at + 42, 4);
    if (!inside(at + 46, name_length + extra_length + comment_length)) return "its central directory is damaged";
    const std::string name(reinterpret_cast<const char*>(b + at + 46), name_length);
    // Zip64 extra field: the 64-bit sizes and offset, present for each 32-bit field saturated at 0xFFFFFFFF.
    for (uint64_t x = at + 46 + name_length; x + 4 <= at + 46 + name_length + extra_length;) {
      const uint64_t id = field(b, x, 2), length = field(b, x + 2, 2);
      if (id == 0x0001) {
        uint64_t y = x + 4;
        auto next = [&](uint64_t& value) {
          if (value == 0xFFFFFFFF && y + 8 <= x + 4 + length && inside(y, 8)) value = field(b, y, 8), y += 8;
        };
        next(uncompressed);
        next(size);
        next(local);
      }
      x += 4 + length;
    }
    if (!inside(local, 30) || field(b, local, 4) != kLocalHeader) return "entry '" + name + "' is out of place";
    const uint64_t data = local + 30 + field(b, local + 26, 2) + field(b, local + 28, 2);
    if (!inside(data, size)) return "entry '" + name + "' runs past the end of the file (truncated?)";
    if (method == 0 && crc32(b + data, size) != crc) return "entry '" + name + "' fails its CRC-32 check";
    // The reader allocates an entry's uncompressed size before inflating it: a size no deflate
    // stream of this length can reach (its ratio is at most 1032:1) would make it reserve
    // gigabytes for a few bytes of input.
    if (method == 0 && uncompressed != size) return "entry '" + name + "' has two different sizes";
    if (method == 8 && uncompressed > 1032 * size + 64) {
      return "entry '" + name + "' claims " + std::to_string(uncompressed) + " bytes from " + std::to_string(size) +
             " compressed ones";
    }
    if (method != 0 && method != 8) return "entry '" + name + "' uses compression method " + std::to_string(method);
    at += 46 + name_length + extra_length + comment_length;
  }
  return "";
}

}  // namespace mindt
