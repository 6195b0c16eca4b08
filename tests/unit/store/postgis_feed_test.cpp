// The PostGIS store's change feed while a foreign client (psql, QGIS) and anttmap write at once: a
// server reading the feed must never step over a change that commits after it read its position.
#include <libpq-fe.h>

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>

#include "test_support.hpp"

namespace antt::testing {
namespace {

using Connection = std::unique_ptr<PGconn, decltype(&PQfinish)>;

void run(PGconn* connection, const char* sql) {
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(connection, sql), PQclear);
  if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) throw std::runtime_error(PQerrorMessage(connection));
}

TEST(PostgisChangeFeed, AChangeCommittedLateIsNeverSteppedOver) {
  ANTT_REQUIRE_POSTGRES(cluster);
  TempPostgisDatabase database(*cluster);
  auto store = store::open_store(database.location(), true);
  store->write({"tester", "postgis_feed_test"}, [&] { add_tiny_province(*store, 2020); });
  const auto before = store->change_position();

  // A foreign client's transaction, still open: its change has been written, not committed.
  Connection foreign(PQconnectdb(database.location().c_str()), PQfinish);
  ASSERT_EQ(PQstatus(foreign.get()), CONNECTION_OK) << PQerrorMessage(foreign.get());
  run(foreign.get(), "BEGIN");
  run(foreign.get(), "INSERT INTO settings (key, value) VALUES ('late', 'ghi muộn')");

  // anttmap writes meanwhile, on a connection of its own.
  auto written = std::async(std::launch::async, [&] {
    auto other = store::open_store(database.location());
    store::StatusRecord record;
    record.unit_code = "99001";
    record.year = 2021;
    record.status = store::StatusValue::proposed;
    other->write({"tester", "postgis_feed_test"}, [&] { other->add_status(record); });
  });
  // It waits for the open transaction (audited writes take one lock, in commit order), so a server
  // reading the feed now sees neither change yet...
  EXPECT_EQ(written.wait_for(std::chrono::milliseconds(300)), std::future_status::timeout)
      << "anttmap's write committed before an earlier foreign change";
  const auto seen = store->change_position();
  EXPECT_EQ(seen, before);
  run(foreign.get(), "COMMIT");
  written.get();
  // ...and reads both above the position it read.
  const auto since_seen = store->changes_since(seen);
  EXPECT_EQ(since_seen.size(), store->changes_since(before).size());
  EXPECT_GE(since_seen.size(), 2u);
}

}  // namespace
}  // namespace antt::testing
