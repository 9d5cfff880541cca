// A check of a zip archive's integrity before LibTorch reads it. Checkpoints and policy files are
// LibTorch archives: zip files of uncompressed entries, each with its CRC-32, which LibTorch's
// reader does not verify. So a flipped bit in a weight loads as a silently wrong model, and one in
// the pickled index can make the unpickler reserve gigabytes for a string before it fails. Checking
// every entry against its CRC-32 first turns both into one clear error.
#pragma once

#include <cstdint>
#include <string>

namespace mindt {

// Why the zip file at `path` is damaged, or "" when every stored entry matches its CRC-32 and lies
// inside the file. Entries stored compressed (LibTorch writes none) must use deflate and claim no
// more bytes than deflate can expand them to; their CRC is left to the reader.
// Zip64 archives (over 4 GiB) are read through their zip64 records.
std::string zip_damage(const std::string& path);
// The same for an archive already in memory (a loader that reads the file once, checks it, and
// hands the same bytes to LibTorch).
std::string zip_damage(const unsigned char* data, size_t size);

// CRC-32 (the zip/PNG polynomial), continued from `crc` (0 to start).
uint32_t crc32(const void* data, size_t size, uint32_t crc = 0);

}  // namespace mindt
