// Character corpora: the UTF-8 decoder against Python's strict one on fresh random bytes, a corpus
// built twice from the same files is the same, it reads back as written, and bad input (empty,
// missing or non-UTF-8 files, a damaged folder) is an error naming the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <sstream>

#include "common/errors.h"
#include "datasets/char_corpus.h"
#include "tests/expect_text.h"

namespace mindt::datasets {
namespace {

namespace fs = std::filesystem;

struct CharCorpusTest : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("mindt_corpus_" + std::to_string(std::random_device{}()));
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  std::string write(const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return (dir / name).string();
  }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}

TEST_F(CharCorpusTest, DecodesUtf8AsPythonDoes) {
  std::mt19937_64 rng(std::random_device{}());
  std::uniform_int_distribution<int> kind(0, 3), byte(0, 255), length(0, 40);
  std::vector<std::string> inputs, files;
  for (int i = 0; i < 300; ++i) {
    std::u32string text;
    for (int k = length(rng); k > 0; --k) {
      const int pick = kind(rng);
      text.push_back(pick == 0   ? char32_t(0x20 + rng() % 0x5F)
                     : pick == 1 ? char32_t(0x80 + rng() % 0x780)
                     : pick == 2 ? char32_t(0x800 + rng() % 0xD000)
                                 : char32_t(0x10000 + rng() % 0x100000));
    }
    std::string bytes = encode_utf8(text);
    if (i % 2 && !bytes.empty()) {  // half of them damaged: a random byte anywhere
      bytes[rng() % bytes.size()] = char(byte(rng));
    }
    if (i % 7 == 0) bytes += std::string(1, char(0xC0 | rng() % 2)) + char(0x80 | rng() % 0x40);  // overlong
    if (i % 11 == 0) bytes += "\xED\xA0\x80";                                                     // a surrogate
    inputs.push_back(bytes);
    files.push_back(write("in" + std::to_string(i), bytes));
  }
  std::string command = std::string(MINDT_PYTHON) + " " + MINDT_SOURCE_DIR + "/tests/datasets/utf8_decode.py";
  for (const auto& f : files) command += " " + f;
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string printed;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) printed.append(buffer, n);
  ASSERT_EQ(::pclose(pipe), 0);
  std::istringstream lines(printed);
  int errors = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string line;
    ASSERT_TRUE(std::getline(lines, line)) << "python printed " << i << " lines";
    std::string mine = "ok";
    try {
      std::ostringstream hex;
      for (const char32_t cp : decode_utf8(inputs[i], "input")) hex << " " << std::hex << uint32_t(cp);
      mine += hex.str();
    } catch (const DataError& e) {
      mine = "error";
      ++errors;
      EXPECT_HAS(std::string(e.what()), "input: not UTF-8 text (a malformed sequence at byte ");
    }
    EXPECT_EQ(mine, line) << "input " << i;
  }
  EXPECT_GT(errors, 50);  // the damaged half mostly are not UTF-8
  EXPECT_LT(errors, 300);
}

TEST_F(CharCorpusTest, BuildsTheSameCorpusTwiceAndReadsItBack) {
  const std::string a = write("a.txt", "First Citizen:\r\nBefore we proceed\r\n"),
                    b = write("b.txt", "Tout ç'a été dit.\n");
  const CharCorpus one = build_char_corpus({a, b}, 0.25), two = build_char_corpus({a, b}, 0.25);
  const std::u32string whole = one.train + one.val;
  EXPECT_EQ(whole, decode_utf8("First Citizen:\nBefore we proceed\n\n\nTout ç'a été dit.\n", "expected"));
  EXPECT_EQ(one.train, two.train);
  EXPECT_EQ(one.val, two.val);
  EXPECT_EQ(one.train.size(), size_t(std::llround(double(whole.size()) * 0.75)));
  EXPECT_TRUE(std::is_sorted(one.vocab.begin(), one.vocab.end()));
  EXPECT_EQ(one.vocab.size(), std::set<char32_t>(whole.begin(), whole.end()).size());
  ASSERT_EQ(one.sources.size(), 2u);
  EXPECT_EQ(one.sources[1].characters, 18);  // "Tout ç'a été dit.\n": code points, not bytes

  write_char_corpus((dir / "corpus").string(), one);
  const CharCorpus back = read_char_corpus((dir / "corpus").string());
  EXPECT_EQ(back.train, one.train);
  EXPECT_EQ(back.val, one.val);
  EXPECT_EQ(back.vocab, one.vocab);
  EXPECT_EQ(back.sources[0].file, a);
  EXPECT_HAS(error_of([&] { write_char_corpus((dir / "corpus").string(), one); }), "corpus: already exists");
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().string().find(".tmp."), std::string::npos);
}

TEST_F(CharCorpusTest, BadInputIsAnErrorNamingTheFile) {
  const std::string good = write("good.txt", "some text to split\n");
  EXPECT_HAS(error_of([&] { build_char_corpus({write("empty.txt", "")}); }), "empty.txt: empty text");
  EXPECT_HAS(error_of([&] { build_char_corpus({(dir / "missing.txt").string()}); }), "missing.txt: cannot read it");
  EXPECT_HAS(error_of([&] {
               build_char_corpus({good, write("latin1.txt", "caf\xE9\n")});
             }),
             "latin1.txt: not UTF-8 text (a malformed sequence at byte 3)");
  EXPECT_HAS(error_of([&] { build_char_corpus({good}, 1.0); }), "strictly between 0 and 1");
  EXPECT_HAS(error_of([&] { build_char_corpus({write("one.txt", "x")}); }), "too short to split");
  EXPECT_HAS(error_of([&] { read_char_corpus((dir / "nothing").string()); }), "not a character corpus");

  write_char_corpus((dir / "c").string(), build_char_corpus({good}));
  std::ofstream(dir / "c" / "val.txt", std::ios::app) << "more";
  EXPECT_HAS(error_of([&] { read_char_corpus((dir / "c").string()); }), "does not hold the characters it says");
}

}  // namespace
}  // namespace mindt::datasets
