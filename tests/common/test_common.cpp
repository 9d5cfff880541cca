// The base library: the JSON writer (checked against Python's json module) and its round-trip numbers,
// numbers parsed from whole strings,
// atomic text writes and mean/std.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/json.h"
#include "common/json_value.h"
#include "common/mean_std.h"
#include "common/number_text.h"
#include "common/trial_run.h"

namespace mindt {
namespace {

namespace fs = std::filesystem;

uint64_t fresh_seed() {
  if (const char* s = std::getenv("MINDT_TEST_SEED")) return std::stoull(s);
  const uint64_t seed = (uint64_t(std::random_device{}()) << 32) ^ std::random_device{}();
  std::cout << "[ seed     ] MINDT_TEST_SEED=" << seed << "\n";
  return seed;
}

// Doubles of every magnitude and sign, with exact small integers and awkward decimals among them.
std::vector<double> random_doubles(std::mt19937_64& rng, int n) {
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-300, 300), kind(0, 3);
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) {
    switch (kind(rng)) {
      case 0:
        xs.push_back(std::ldexp(mantissa(rng), exponent(rng)));
        break;
      case 1:
        xs.push_back(std::round(mantissa(rng) * 1e6));
        break;
      case 2:
        xs.push_back(mantissa(rng) * 1e4);
        break;
      default:
        xs.push_back(static_cast<float>(mantissa(rng)));  // a float32 value widened
    }
  }
  return xs;
}

TEST(JsonNumber, ShortestTextReadsBackExactlyAndNoShorterTextDoes) {
  std::mt19937_64 rng(fresh_seed());
  for (double x : random_doubles(rng, 2000)) {
    const std::string text = json::number(x);
    ASSERT_EQ(std::strtod(text.c_str(), nullptr), x) << text;
    // Every %g text with fewer significant digits loses the value, or is no shorter.
    for (int precision = 1; precision <= 17; ++precision) {
      char shorter[40];
      std::snprintf(shorter, sizeof shorter, "%.*g", precision, x);
      if (std::strtod(shorter, nullptr) == x) {
        EXPECT_LE(text.size(), std::string(shorter).size()) << text << " vs " << shorter;
        break;
      }
    }
  }
  EXPECT_EQ(json::number(0.1), "0.1");
  EXPECT_EQ(json::number(3600), "3600");
  EXPECT_EQ(json::number(-2.5e-7), "-2.5e-07");
}

TEST(JsonWriter, WritesTheShapesLogsUse) {
  json::Writer w;
  w.begin_object().field("step", int64_t{100}).field("loss", 0.25).key("eval").begin_array();
  w.begin_object().field("target", 3600.0).field("ok", true).end_object();
  w.end_array().field("env", "hop\"per\n").key("none").null().end_object();
  EXPECT_EQ(
      w.str(),
      R"({"step": 100, "loss": 0.25, "eval": [{"target": 3600, "ok": true}], "env": "hop\"per\u000a", "none": null})");

  json::Writer rows;
  rows.begin_array(/*one_per_line=*/true).value(1).value(2).end_array();
  EXPECT_EQ(rows.str(), "[\n  1,\n  2\n]");
  EXPECT_EQ(json::number(std::nan("")), "null");
  EXPECT_EQ(json::number(-std::numeric_limits<double>::infinity()), "null");
  json::Writer wrong;
  EXPECT_THROW(wrong.key("outside"), std::logic_error);
}

// Python's json module reads what the writer wrote and gives back the same values (strings
// included), and its repr of each number equals our text.
TEST(JsonWriter, PythonsJsonModuleReadsBackTheSameValues) {
  std::mt19937_64 rng(fresh_seed());
  const std::vector<double> xs = random_doubles(rng, 500);
  const std::string text = "tab\t quote\" backslash\\ bell\x07 utf-8 ±→";
  json::Writer w;
  w.begin_object().field("numbers", xs).field("text", text).field("count", int64_t(xs.size())).end_object();
  const fs::path dir = fs::temp_directory_path() / ("mindt_json_" + std::to_string(rng()));
  fs::create_directories(dir);
  std::ofstream(dir / "in.json") << w.str();
  const std::string script =
      "import json,sys; d=json.load(open(sys.argv[1])); "
      "open(sys.argv[2],'w').write('\\n'.join([str(d['count']), d['text'].encode('unicode_escape').decode()] + "
      "[repr(x) for x in d['numbers']]))";
  const std::string command = std::string(MINDT_PYTHON) + " -c \"" + script + "\" " + (dir / "in.json").string() + " " +
                              (dir / "out.txt").string();
  // The script holds no double quotes of its own, so one pair around it is enough for the shell.
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream back(dir / "out.txt");
  std::string line;
  std::getline(back, line);
  EXPECT_EQ(line, std::to_string(xs.size()));
  std::getline(back, line);
  EXPECT_EQ(line, R"(tab\t quote" backslash\\ bell\x07 utf-8 \xb1\u2192)");
  for (double x : xs) {
    ASSERT_TRUE(std::getline(back, line));
    EXPECT_EQ(std::strtod(line.c_str(), nullptr), x) << line;
  }
  fs::remove_all(dir);
}

TEST(JsonValue, ReadsBackWhatTheWriterWroteExactly) {
  std::mt19937_64 rng(fresh_seed());
  const std::vector<double> xs = random_doubles(rng, 300);
  json::Writer w;
  w.begin_object().field("xs", xs).field("name", "a \"quoted\"\n\x01 ±").field("n", int64_t{-7});
  w.field("ok", false).key("none").null().key("nested").begin_array().begin_object().end_object().end_array();
  const json::Value v = json::parse(w.end_object().str(), "test");
  const auto& back = v.at("xs").as_array();
  ASSERT_EQ(back.size(), xs.size());
  for (size_t i = 0; i < xs.size(); ++i) EXPECT_EQ(back[i].as_number(), xs[i]);
  EXPECT_EQ(v.at("name").as_string(), "a \"quoted\"\n\x01 ±");
  EXPECT_EQ(v.at("n").as_integer(), -7);
  EXPECT_FALSE(v.at("ok").as_bool());
  EXPECT_TRUE(v.at("none").is_null());
  EXPECT_TRUE(v.at("nested").as_array()[0].as_object().empty());
  EXPECT_EQ(v.find("absent"), nullptr);
  EXPECT_THROW(v.at("n").as_string(), std::invalid_argument);
}

// What Python's json module writes — \u escapes (a surrogate pair among them) and, from
// Minari's space descriptions, Infinity — read as Python reads it.
TEST(JsonValue, ReadsPythonsJsonIncludingItsNonFiniteTokens) {
  const std::string text = R"({"s": "caf\u00e9 \ud83d\ude00", "low": [-Infinity, 0.5, Infinity], "x": 1e-05})";
  EXPECT_THROW(json::parse(text, "strict"), json::ParseError);
  const json::Value v = json::parse(text, "python", /*allow_non_finite=*/true);
  EXPECT_EQ(v.at("s").as_string(), "caf\xc3\xa9 \xf0\x9f\x98\x80");
  EXPECT_TRUE(std::isinf(v.at("low").as_array()[0].as_number()));
  EXPECT_LT(v.at("low").as_array()[0].as_number(), 0);
  EXPECT_EQ(v.at("x").as_number(), 1e-05);
}

TEST(JsonValue, MalformedTextIsAnErrorNamingTheSourceAndByte) {
  for (const std::string& bad :
       std::vector<std::string>{"", "{", "{\"a\": }", "[1, 2", "[01]", "{\"a\" 1}", "\"\\q\"", "[1] x", "tru", "\"abc",
                                "[1.]", "{\"a\": 1,}", std::string(600, '[')}) {
    try {
      json::parse(bad, "file.json");
      ADD_FAILURE() << "accepted: " << bad.substr(0, 20);
    } catch (const json::ParseError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("file.json: invalid JSON at byte ", 0), 0u) << e.what();
    }
  }
  EXPECT_THROW(json::parse_file("/nonexistent/metadata.json"), json::ParseError);
}

TEST(NumberText, WholeTextOnly) {
  std::mt19937_64 rng(fresh_seed());
  for (double x : random_doubles(rng, 500)) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", x);
    ASSERT_EQ(parse_number(text), x) << text;
    EXPECT_FALSE(parse_number(std::string(text) + "x")) << text;
  }
  EXPECT_EQ(parse_integer("-42"), -42);
  EXPECT_EQ(parse_integer("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(parse_integer("9223372036854775808"));  // out of range
  EXPECT_FALSE(parse_integer("12abc"));
  EXPECT_FALSE(parse_integer("1.5"));
  EXPECT_FALSE(parse_integer(""));
  EXPECT_FALSE(parse_number(""));
  EXPECT_EQ(parse_number("1e-3"), 1e-3);
  EXPECT_TRUE(std::isinf(*parse_number("inf")));  // callers that need finite numbers check
}

TEST(AtomicFile, TextReplacesTheFileWholeAndAFailedWriteLeavesItUntouched) {
  const fs::path dir = fs::temp_directory_path() / ("mindt_atomic_" + std::to_string(fresh_seed()));
  fs::create_directories(dir);
  const std::string path = (dir / "f.txt").string();
  write_text_atomically(path, "first\n");
  write_text_atomically(path, "second\n");
  std::stringstream read;
  read << std::ifstream(path).rdbuf();
  EXPECT_EQ(read.str(), "second\n");
  EXPECT_THROW(write_atomically(path, [](const std::string&) { throw std::runtime_error("disk full"); }),
               std::runtime_error);
  std::stringstream again;
  again << std::ifstream(path).rdbuf();
  EXPECT_EQ(again.str(), "second\n");
  EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator()), 1);  // no temporary left
  EXPECT_THROW(write_text_atomically((dir / "missing" / "f.txt").string(), "x"), std::runtime_error);
  fs::remove_all(dir);
}

TEST(MeanStd, IsThePopulationStatisticInFloat64) {
  std::mt19937_64 rng(fresh_seed());
  std::normal_distribution<double> normal(3.0, 2.0);
  std::vector<double> xs(1001);
  for (double& x : xs) x = normal(rng);
  long double sum = 0, squares = 0;
  for (double x : xs) sum += x;
  const long double mean = sum / xs.size();
  for (double x : xs) squares += (x - mean) * (x - mean);
  const MeanStd s = mean_std(xs);
  EXPECT_NEAR(s.mean, double(mean), 1e-12);
  EXPECT_NEAR(s.std, std::sqrt(double(squares / xs.size())), 1e-12);
  EXPECT_EQ(mean_std({}).mean, 0.0);
}

// A trial run reports how the work ended in the child: normally, with a DataError's message, or
// killed by a signal — never by taking this process down.
TEST(TrialRun, ReportsSuccessErrorsAndCrashesOfTheChild) {
  int here = 0;
  trial_run("f.hdf5", "libhdf5", [&] { here = 1; });
  EXPECT_EQ(here, 0) << "the work ran in the child, not here";
  try {
    trial_run("f.hdf5", "libhdf5", [] { throw DataError("f.hdf5: key 'x': missing"); });
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_STREQ(e.what(), "f.hdf5: key 'x': missing");
  }
  EXPECT_THROW(trial_run("f.hdf5", "libhdf5", [] { throw std::logic_error("bug"); }), std::runtime_error);
  try {
    trial_run("f.hdf5", "libhdf5", [] { std::abort(); });
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("f.hdf5: damaged: reading it crashed libhdf5 (signal 6, ", 0), 0u)
        << e.what();
  }
}

}  // namespace
}  // namespace mindt
