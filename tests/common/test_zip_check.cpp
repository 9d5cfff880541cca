// The zip integrity check against Python's zipfile and zlib: archives it writes pass, every
// single flipped byte inside an entry's data is caught, and cut copies are refused.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "common/zip_check.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

std::vector<char> read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const fs::path& path, const std::vector<char>& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

class ZipCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    const uint64_t seed = std::getenv("MINDT_TEST_SEED")
                              ? std::stoull(std::getenv("MINDT_TEST_SEED"))
                              : (uint64_t(std::random_device{}()) << 20) ^ std::random_device{}();
    std::cout << "[ seed     ] MINDT_TEST_SEED=" << seed << "\n";
    rng.seed(seed);
    dir = fs::temp_directory_path() / ("mindt_zip_" + std::to_string(seed));
    fs::create_directories(dir);
    const std::string command = std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tests/common/zip_make.py " +
                                dir.string() + " " + std::to_string(seed % 1000000007);
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  void TearDown() override { fs::remove_all(dir); }
  std::mt19937_64 rng;
  fs::path dir;
};

TEST_F(ZipCheck, Crc32IsZlibs) {
  const std::vector<char> blob = read_bytes(dir / "blob.bin");
  std::ifstream crc_text(dir / "blob.crc");
  uint64_t expected = 0;
  crc_text >> expected;
  EXPECT_EQ(crc32(blob.data(), blob.size()), uint32_t(expected));
  // Continued over two pieces, the same value.
  const size_t half = blob.size() / 2;
  EXPECT_EQ(crc32(blob.data() + half, blob.size() - half, crc32(blob.data(), half)), uint32_t(expected));
}

TEST_F(ZipCheck, PythonsArchivesPassTheirZip64FormToo) {
  EXPECT_EQ(zip_damage((dir / "stored.zip").string()), "");
  EXPECT_EQ(zip_damage((dir / "zip64.zip").string()), "");
}

TEST_F(ZipCheck, EveryFlippedByteAndEveryCutIsFound) {
  for (const char* name : {"stored.zip", "zip64.zip"}) {
    const std::vector<char> good = read_bytes(dir / name);
    const fs::path bad = dir / "bad.zip";
    // Where the entries' data lies, as Python's zipfile reads it.
    std::vector<std::pair<size_t, size_t>> ranges;
    std::ifstream range_text(dir / (std::string(name) + ".ranges"));
    for (size_t offset, size; range_text >> offset >> size;) ranges.emplace_back(offset, size);
    ASSERT_FALSE(ranges.empty());
    // A flipped byte inside an entry's data is always a CRC error; one elsewhere (a header) is
    // refused or harmless (a byte the check does not read, e.g. a timestamp), never a crash.
    int flips_in_data = 0;
    for (int trial = 0; trial < 300; ++trial) {
      std::vector<char> bytes = good;
      const size_t at = std::uniform_int_distribution<size_t>(0, bytes.size() - 1)(rng);
      bytes[at] = char(bytes[at] ^ char(1 + rng() % 255));
      write_bytes(bad, bytes);
      const std::string damage = zip_damage(bad.string());
      for (const auto& [offset, size] : ranges) {
        if (at < offset || at >= offset + size) continue;
        ++flips_in_data;
        EXPECT_NE(damage.find("fails its CRC-32 check"), std::string::npos)
            << name << ": byte " << at << ": " << damage;
      }
    }
    EXPECT_GT(flips_in_data, 100) << name << ": most of an archive is entry data";
    for (int k = 1; k < 16; ++k) {
      std::vector<char> cut(good.begin(), good.begin() + long(good.size() * size_t(k) / 16));
      write_bytes(bad, cut);
      EXPECT_NE(zip_damage(bad.string()), "") << name << " cut at " << k << "/16";
    }
  }
  EXPECT_EQ(zip_damage((dir / "missing.zip").string()), "cannot open it");
}

// LibTorch's reader allocates an entry's uncompressed size before inflating it (a fuzzer found a
// 5 KB policy file claiming 1.5 GB): sizes no entry of its length can have are damage.
TEST_F(ZipCheck, ImpossibleUncompressedSizesAndUnknownMethodsAreDamage) {
  const std::vector<char> deflated = read_bytes(dir / "deflated.zip");
  EXPECT_EQ(zip_damage((dir / "deflated.zip").string()), "");
  // The central directory header: method at +10, compressed size at +20, uncompressed at +24.
  const std::string signature("PK\x01\x02", 4);
  const size_t central = std::string(deflated.begin(), deflated.end()).find(signature);
  ASSERT_NE(central, std::string::npos);
  auto patched = [&](size_t offset, uint32_t value, int bytes) {
    std::vector<char> copy = deflated;
    for (int k = 0; k < bytes; ++k) copy[central + offset + size_t(k)] = char(value >> (8 * k) & 0xFF);
    write_bytes(dir / "patched.zip", copy);
    return zip_damage((dir / "patched.zip").string());
  };
  EXPECT_NE(patched(24, 1560281570u, 4).find("claims 1560281570 bytes from"), std::string::npos);
  EXPECT_NE(patched(10, 12, 2).find("uses compression method 12"), std::string::npos);  // bzip2
  const std::vector<char> stored = read_bytes(dir / "stored.zip");
  const size_t stored_central = std::string(stored.begin(), stored.end()).find(signature);
  std::vector<char> copy = stored;
  copy[stored_central + 24] = char(copy[stored_central + 24] + 1);  // a stored entry with two sizes
  write_bytes(dir / "patched.zip", copy);
  EXPECT_NE(zip_damage((dir / "patched.zip").string()).find("has two different sizes"), std::string::npos);
}

}  // namespace
}  // namespace mindt
