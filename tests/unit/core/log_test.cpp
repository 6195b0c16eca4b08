#include "antt/core/log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace antt::log {
namespace {

/// The lines a Logger handed to its function sink.
struct CollectedLines {
  std::mutex mutex;
  std::vector<std::string> lines;

  Logger logger(Options options) {
    return Logger::to_function(
        [this](std::string_view line) {
          std::lock_guard lock(mutex);
          lines.emplace_back(line);
        },
        options);
  }
};

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Log, LinesLessSevereThanTheMinimumAreDropped) {
  CollectedLines collected;
  const Logger logger = collected.logger({.min_level = Level::warn});
  logger.debug("test", "debug line");
  logger.info("test", "info line");
  logger.warn("test", "warn line");
  logger.error("test", "error line");
  ASSERT_EQ(collected.lines.size(), 2u);
  EXPECT_NE(collected.lines[0].find(" warn test: warn line"), std::string::npos) << collected.lines[0];
  EXPECT_NE(collected.lines[1].find(" error test: error line"), std::string::npos) << collected.lines[1];
  EXPECT_FALSE(logger.enabled(Level::info));
  EXPECT_TRUE(logger.enabled(Level::error));

  CollectedLines everything;
  const Logger verbose = everything.logger({.min_level = Level::debug});
  verbose.debug("test", "debug line");
  EXPECT_EQ(everything.lines.size(), 1u);
}

TEST(Log, LevelNamesReadBack) {
  for (Level level : {Level::debug, Level::info, Level::warn, Level::error}) {
    EXPECT_EQ(parse_level(level_name(level)), level);
  }
  EXPECT_EQ(parse_level("WARNING"), Level::warn);
  EXPECT_FALSE(parse_level("loud").has_value());
}

TEST(Log, TextLinesCarryTimeLevelComponentMessageAndFields) {
  std::ostringstream out;
  const Logger logger = Logger::to_stream(out);
  logger.info("http", "request",
              {{"method", "GET"}, {"path", "/a b"}, {"status", 200}, {"duration_ms", 0.5}, {"kept", true}});
  logger.error("http", "failed:\nsecond line");
  const std::vector<std::string> lines = split_lines(out.str());
  ASSERT_EQ(lines.size(), 2u) << out.str();
  const std::regex request(
      R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info http: request method=GET path="/a b" status=200 duration_ms=0\.5 kept=true$)");
  EXPECT_TRUE(std::regex_match(lines[0], request)) << lines[0];
  EXPECT_NE(lines[1].find(" error http: failed:\\nsecond line"), std::string::npos) << lines[1];
}

TEST(Log, JsonLinesParseAsJson) {
  std::ostringstream out;
  const Logger logger = Logger::to_stream(out, {.format = Format::json});
  const std::string raw_path = "/tiles/\xff\"quoted\"\n";  // invalid UTF-8, a quote and a newline
  logger.warn("http", "request",
              {{"path", raw_path},
               {"status", 404},
               {"bytes", std::size_t{12}},
               {"duration_ms", 1.25},
               {"kept", false},
               {"message", "a field named message"}});
  logger.debug("http", "not written at the default level");
  const std::vector<std::string> lines = split_lines(out.str());
  ASSERT_EQ(lines.size(), 1u) << out.str();
  const nlohmann::json line = nlohmann::json::parse(lines[0]);
  EXPECT_TRUE(
      std::regex_match(line.at("time").get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  EXPECT_EQ(line.at("level"), "warn");
  EXPECT_EQ(line.at("component"), "http");
  EXPECT_EQ(line.at("message"), "request");
  EXPECT_EQ(line.at("_message"), "a field named message");  // the fixed keys are never overwritten
  EXPECT_EQ(line.at("status"), 404);
  EXPECT_EQ(line.at("bytes"), 12);
  EXPECT_DOUBLE_EQ(line.at("duration_ms").get<double>(), 1.25);
  EXPECT_EQ(line.at("kept"), false);
  EXPECT_EQ(line.at("path").get<std::string>(), "/tiles/\xef\xbf\xbd\"quoted\"\n");  // U+FFFD for the bad byte
  EXPECT_EQ(lines[0].rfind(R"({"time":)", 0), 0u);  // time, level, component, message lead
}

/// Many threads log long lines at once; every line must come out whole, exactly once.
void expect_whole_lines(const std::vector<std::string>& lines, int threads, int per_thread) {
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(threads * per_thread));
  std::set<std::pair<int, int>> seen;
  for (const std::string& text : lines) {
    nlohmann::json line;
    ASSERT_NO_THROW(line = nlohmann::json::parse(text)) << text.substr(0, 200);
    ASSERT_EQ(line.at("padding").get<std::string>().size(), 1000u);
    seen.emplace(line.at("thread").get<int>(), line.at("n").get<int>());
  }
  EXPECT_EQ(seen.size(), lines.size());
}

void log_from_threads(const Logger& logger, int threads, int per_thread) {
  const std::string padding(1000, 'x');  // long lines: a torn write would split one
  std::vector<std::thread> writers;
  for (int t = 0; t < threads; ++t) {
    writers.emplace_back([&, t] {
      for (int n = 0; n < per_thread; ++n) logger.info("test", "line", {{"thread", t}, {"n", n}, {"padding", padding}});
    });
  }
  for (auto& writer : writers) writer.join();
}

TEST(Log, ConcurrentWritersDoNotInterleaveLinesOnAStream) {
  constexpr int threads = 8, per_thread = 500;
  std::ostringstream out;
  const Logger logger = Logger::to_stream(out, {.format = Format::json});
  log_from_threads(logger, threads, per_thread);
  expect_whole_lines(split_lines(out.str()), threads, per_thread);
}

TEST(Log, ConcurrentWritersDoNotInterleaveLinesOnADescriptor) {
  constexpr int threads = 8, per_thread = 500;
  antt::testing::TempDir dir;
  const std::string path = dir.file("log.jsonl");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0);
  {
    const Logger logger = Logger::to_fd(fd, {.format = Format::json});
    log_from_threads(logger, threads, per_thread);
  }
  ::close(fd);
  expect_whole_lines(split_lines(antt::testing::read_file(path)), threads, per_thread);
}

TEST(Log, ADiscardingLoggerWritesNothingAndAMovedLoggerKeepsItsSink) {
  const Logger quiet = Logger::discarding();
  quiet.error("test", "nobody hears this");  // and does not crash

  CollectedLines collected;
  Logger first = collected.logger({});
  Logger moved = std::move(first);
  moved.info("test", "still here");
  ASSERT_EQ(collected.lines.size(), 1u);
  EXPECT_NE(collected.lines[0].find("still here"), std::string::npos);
}

}  // namespace
}  // namespace antt::log
