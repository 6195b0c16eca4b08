// The configuration file of `anttmap serve`: key = value lines read in-process from their text,
// mistakes named by line, and --print-config's output a file that reads back the same.
#include "serve/config.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "antt/core/error.hpp"
#include "test_support.hpp"

namespace antt::serve {
namespace {

TEST(ServeConfig, ReadsKeysCommentsAndLists) {
  const ServeConfig config = read_config_text(
      "# Sở Nội vụ tỉnh Hòa Bình\r\n"
      "bind = 0.0.0.0\r\n"
      "port=8443   # HTTPS\n"
      "\n"
      "cors_allow = https://cong.hoabinh.gov.vn, ,https://portal.example.vn\n"
      "tile_cache = off\n"
      "public_url = https://bando.hoabinh.gov.vn/anttmap/\n",
      "serve.conf");
  EXPECT_EQ(config.bind, "0.0.0.0");
  EXPECT_EQ(config.port, 8443);
  EXPECT_EQ(config.cors_allow, (std::vector<std::string>{"https://cong.hoabinh.gov.vn", "https://portal.example.vn"}));
  EXPECT_FALSE(config.tile_cache);
  EXPECT_EQ(config.public_url, "https://bando.hoabinh.gov.vn/anttmap");
  EXPECT_EQ(config.threads, ServeConfig{}.threads);
}

TEST(ServeConfig, NamesTheLineOfAMistake) {
  try {
    read_config_text("port = 8080\nthreads = 4\nport = 99999\n", "serve.conf");
    FAIL() << "port 99999 was accepted";
  } catch (const UsageError& error) {
    EXPECT_TRUE(std::string_view(error.what()).starts_with("serve.conf:3: port must be an integer from 0 to 65535"))
        << error.what();
  }
  EXPECT_THROW(read_config_text("thread = 4\n", "serve.conf"), UsageError);
  EXPECT_EQ(read_config_text("first_year = 2024\n", "serve.conf").first_year, 2024);
  EXPECT_EQ(read_config_text("first_year = 0\n", "serve.conf").first_year, 0);
  EXPECT_THROW(read_config_text("first_year = 24\n", "serve.conf"), UsageError);
  EXPECT_THROW(read_config_text("first_year = 12024\n", "serve.conf"), UsageError);
  EXPECT_THROW(read_config_text("port\n", "serve.conf"), UsageError);
}

TEST(ServeConfig, PrintedConfigurationReadsBackTheSame) {
  // Found by serve_config_fuzzer: "https:/ /" lost its last '/' and kept the space before it, which
  // the next reading trimmed, so --print-config's file gave another public_url ("https:").
  const ServeConfig config = read_config_text("public_url = https:/ /\nwork_dir = /srv/bản đồ\n", "serve.conf");
  EXPECT_EQ(config.public_url, "https:");
  const std::string printed = to_config_text(config);
  EXPECT_EQ(to_config_text(read_config_text(printed, "printed")), printed);
}

}  // namespace
}  // namespace antt::serve
