// StoreReads: what the server's request threads read from the store, kept per change position.
#include "serve/store_pool.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace antt::serve {
namespace {

/// A store with the tiny province (statuses of 2020) and the number of its audit entries.
std::string tiny_store(testing::TempDir& dir) {
  const std::string location = dir.store("reads.sqlite");
  auto store = store::open_store(location, true);
  store->write({"tester", "store_reads_test"}, [&] { testing::add_tiny_province(*store, 2020); });
  return location;
}

std::size_t history_size(StoreReads& reads) {
  return reads.cached<std::vector<store::StatusRecord>>("history 99001", [](const store::Store& store) {
                return store.status_history("99001");
              })->size();
}

const char* kForeignWrite =
    "INSERT INTO unit_status (unit_code, year, status, note) VALUES ('99001', 2021, 'proposed', 'ghi bằng SQL')";

TEST(StoreReadsTest, AnAnswerIsNeverOlderThanTheStoreWhenAskedFor) {
  testing::TempDir dir;
  const std::string location = tiny_store(dir);
  StoreReads reads(location, 2);
  const auto before = reads.position();
  EXPECT_EQ(history_size(reads), 1u);
  EXPECT_EQ(history_size(reads), 1u);  // kept
  testing::plain_sql(location, kForeignWrite);  // another client, no anttmap in between
  EXPECT_GT(reads.position(), before);
  EXPECT_EQ(history_size(reads), 2u) << "what was kept for the old position was answered";
}

TEST(StoreReadsTest, WithAMaximumAgeThePositionIsReadAgainOnlyAfterIt) {
  testing::TempDir dir;
  const std::string location = tiny_store(dir);
  StoreReads reads(location, 2, std::chrono::milliseconds(2000));
  const auto before = reads.position();
  EXPECT_EQ(history_size(reads), 1u);
  testing::plain_sql(location, kForeignWrite);
  // Within 2 s of the last read the kept answer is given (it lags the write, by less than that)...
  EXPECT_EQ(reads.position(), before);
  EXPECT_EQ(history_size(reads), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  // ...and after them, never.
  EXPECT_GT(reads.position(), before);
  EXPECT_EQ(history_size(reads), 2u);
}

TEST(StoreReadsTest, ManyThreadsShareThePositionReadsAndGetTheSameAnswers) {
  testing::TempDir dir;
  const std::string location = tiny_store(dir);
  StoreReads reads(location, 4);
  const auto expected = reads.position();
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i)
        if (reads.position() != expected || history_size(reads) != 1u) ++wrong;
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace antt::serve
