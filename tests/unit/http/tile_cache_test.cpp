#include "http/tile_cache.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "http/http.hpp"
#include "test_support.hpp"

namespace antt::http {
namespace {

TileKey key_at(int z, int x, int y, std::string layer = "roads", int year = 2024) {
  TileKey key;
  key.layer = std::move(layer);
  key.year = year;
  key.z = z;
  key.x = x;
  key.y = y;
  return key;
}

std::shared_ptr<const CachedTile> tile_of(std::string body, std::string content_type = "image/png") {
  auto tile = std::make_shared<CachedTile>();
  tile->etag = strong_etag(body);
  tile->body = std::make_shared<const std::string>(std::move(body));
  tile->content_type = std::move(content_type);
  return tile;
}

/// Tile column/row containing a point at zoom z (XYZ).
std::pair<int, int> tile_containing(double x, double y, int z) {
  const double half = 20037508.342789244;
  const double n = std::ldexp(1.0, z);
  return {static_cast<int>(std::floor((x + half) / (2 * half) * n)),
          static_cast<int>(std::floor((half - y) / (2 * half) * n))};
}

bool bounds_touch(const MercatorBox& a, const MercatorBox& b) {
  return a.minx <= b.maxx && a.maxx >= b.minx && a.miny <= b.maxy && a.maxy >= b.miny;
}

TEST(TileCacheTest, TileBoundsFollowWebMercator) {
  MercatorBox world = geo::tile_box(0, 0, 0);
  EXPECT_DOUBLE_EQ(world.minx, -20037508.342789244);
  EXPECT_DOUBLE_EQ(world.maxy, 20037508.342789244);
  MercatorBox north_east = geo::tile_box(1, 1, 0);
  EXPECT_DOUBLE_EQ(north_east.minx, 0.0);
  EXPECT_DOUBLE_EQ(north_east.miny, 0.0);
  TileRange range = tiles_touching({1.0, 1.0, 2.0, 2.0}, 1);
  EXPECT_EQ(range.first_x, 1);
  EXPECT_EQ(range.last_x, 1);
  EXPECT_EQ(range.first_y, 0);
  EXPECT_EQ(range.last_y, 0);
}

TEST(TileCacheTest, EvictsLeastRecentlyUsedByBytes) {
  TileCacheOptions options;
  options.shards = 1;
  options.max_bytes = 3 * 1400;  // three 1000-byte tiles and their bookkeeping, not four
  TileCache cache(options);
  const auto generation = cache.generation();
  for (int x = 0; x < 3; ++x) ASSERT_TRUE(cache.put(key_at(5, x, 0), tile_of(std::string(1000, 'a')), generation));
  ASSERT_NE(cache.get(key_at(5, 0, 0)), nullptr);  // 0 becomes the most recent; 1 is now the oldest
  ASSERT_TRUE(cache.put(key_at(5, 3, 0), tile_of(std::string(1000, 'b')), generation));

  EXPECT_EQ(cache.get(key_at(5, 1, 0)), nullptr);
  EXPECT_NE(cache.get(key_at(5, 0, 0)), nullptr);
  EXPECT_NE(cache.get(key_at(5, 2, 0)), nullptr);
  EXPECT_EQ(*cache.get(key_at(5, 3, 0))->body, std::string(1000, 'b'));
  const TileCacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 3u);
  EXPECT_LE(stats.bytes, options.max_bytes);
  EXPECT_EQ(stats.evictions, 1u);
  EXPECT_EQ(stats.misses, 1u);

  // A tile larger than the whole cap is not kept (it would flush everything else).
  EXPECT_FALSE(cache.put(key_at(5, 9, 9), tile_of(std::string(10000, 'c')), generation));
  EXPECT_EQ(cache.stats().entries, 3u);
}

TEST(TileCacheTest, TouchKeepsATileRecentWithoutCountingAHit) {
  TileCacheOptions options;
  options.shards = 1;
  options.max_bytes = 3 * 1400;
  TileCache cache(options);
  const auto generation = cache.generation();
  for (int x = 0; x < 3; ++x) ASSERT_TRUE(cache.put(key_at(5, x, 0), tile_of(std::string(1000, 'a')), generation));
  cache.touch(key_at(5, 0, 0));  // sent again by the HTTP server: 1 is now the oldest
  cache.touch(key_at(5, 7, 7));  // not there: nothing happens
  ASSERT_TRUE(cache.put(key_at(5, 3, 0), tile_of(std::string(1000, 'b')), generation));
  EXPECT_EQ(cache.stats().hits, 0u);
  EXPECT_NE(cache.get(key_at(5, 0, 0)), nullptr);
  EXPECT_EQ(cache.get(key_at(5, 1, 0)), nullptr);
}

TEST(TileCacheTest, ScopesNeverShareTiles) {
  TileCache cache;
  TileKey public_key = key_at(3, 1, 2);
  ASSERT_TRUE(cache.put(public_key, tile_of("public tile"), cache.generation()));
  TileKey editor_key = public_key;
  editor_key.scope = "editor";
  EXPECT_EQ(cache.get(editor_key), nullptr);
  EXPECT_EQ(*cache.get(public_key)->body, "public tile");
  TileKey other_variant = public_key;
  other_variant.variant = "png@2x";
  EXPECT_EQ(cache.get(other_variant), nullptr);
}

TEST(TileCacheTest, InvalidateDropsExactlyTheTilesTouchingTheBox) {
  TileCache cache;
  const double px = 1'000'123.0;
  const double py = 6'000'456.0;
  const MercatorBox box{px - 100, py - 100, px + 100, py + 100};
  const auto generation = cache.generation();
  std::vector<TileKey> touching;
  std::vector<TileKey> outside;
  for (int z = 8; z <= 14; ++z) {
    auto [cx, cy] = tile_containing(px, py, z);
    for (int dx = -2; dx <= 2; ++dx) {
      for (int dy = -2; dy <= 2; ++dy) {
        TileKey key = key_at(z, cx + dx, cy + dy);
        ASSERT_TRUE(cache.put(key, tile_of("t"), generation));
        (bounds_touch(geo::tile_box(z, key.x, key.y), box) ? touching : outside).push_back(key);
        // Same tile, other layer or other year: must survive.
        ASSERT_TRUE(cache.put(key_at(z, key.x, key.y, "rivers"), tile_of("r"), generation));
        ASSERT_TRUE(cache.put(key_at(z, key.x, key.y, "roads", 2023), tile_of("o"), generation));
      }
    }
  }
  ASSERT_GE(touching.size(), 7u);

  EXPECT_EQ(cache.invalidate("roads", 2024, box), touching.size());
  for (const TileKey& key : touching) EXPECT_EQ(cache.get(key), nullptr) << key.z << "/" << key.x << "/" << key.y;
  for (const TileKey& key : outside) EXPECT_NE(cache.get(key), nullptr) << key.z << "/" << key.x << "/" << key.y;
  for (const TileKey& key : touching) {
    EXPECT_NE(cache.get(key_at(key.z, key.x, key.y, "rivers")), nullptr);
    EXPECT_NE(cache.get(key_at(key.z, key.x, key.y, "roads", 2023)), nullptr);
  }
}

TEST(TileCacheTest, InvalidateCoversDailyTilesOfTheYear) {
  TileCache cache;
  TileKey daily = key_at(0, 0, 0);
  daily.date = 20240317;
  ASSERT_TRUE(cache.put(daily, tile_of("d"), cache.generation()));
  EXPECT_EQ(cache.invalidate("roads", 2024, {0, 0, 1, 1}), 1u);
  EXPECT_EQ(cache.get(daily), nullptr);
}

TEST(TileCacheTest, TileRenderedBeforeAnInvalidationIsNotStored) {
  TileCache cache;
  const auto before_render = cache.generation();
  cache.invalidate("roads", 2024, {0, 0, 1, 1});  // data changed while the tile was rendering
  EXPECT_FALSE(cache.put(key_at(4, 8, 7), tile_of("stale"), before_render));
  EXPECT_EQ(cache.get(key_at(4, 8, 7)), nullptr);
  EXPECT_TRUE(cache.put(key_at(4, 8, 7), tile_of("fresh"), cache.generation()));
  EXPECT_EQ(*cache.get(key_at(4, 8, 7))->body, "fresh");

  const auto before_clear = cache.generation();
  cache.invalidate_all();
  EXPECT_EQ(cache.get(key_at(4, 8, 7)), nullptr);
  EXPECT_FALSE(cache.put(key_at(4, 8, 7), tile_of("stale"), before_clear));
}

TEST(TileCacheTest, DiskLayerWritesReadsAndInvalidates) {
  antt::testing::TempDir dir;
  TileCacheOptions options;
  options.directory = dir.path();
  TileKey key = key_at(12, 2148, 1420);
  TileKey daily = key_at(12, 2148, 1421);
  daily.date = 20240601;
  daily.variant = "mvt";
  {
    TileCache writer(options);
    ASSERT_TRUE(writer.put(key, tile_of("png bytes"), writer.generation()));
    ASSERT_TRUE(writer.put(daily, tile_of("mvt bytes", "application/vnd.mapbox-vector-tile"), writer.generation()));
  }
  const auto png_path = dir.path() / "public/roads/2024/12/2148/1420.png";
  const auto mvt_path = dir.path() / "public/roads/20240601/12/2148/1421.mvt";
  ASSERT_TRUE(std::filesystem::exists(png_path));
  ASSERT_TRUE(std::filesystem::exists(mvt_path));
  EXPECT_EQ(antt::testing::read_file(png_path.string()), "png bytes");

  TileCache reader(options);  // a fresh process: memory empty, disk filled by `anttmap seed`
  auto from_disk = reader.get(key);
  ASSERT_NE(from_disk, nullptr);
  EXPECT_EQ(*from_disk->body, "png bytes");
  EXPECT_EQ(from_disk->content_type, "image/png");
  EXPECT_EQ(from_disk->etag, strong_etag("png bytes"));
  EXPECT_EQ(reader.get(daily)->content_type, "application/vnd.mapbox-vector-tile");
  EXPECT_EQ(reader.stats().disk_hits, 2u);
  EXPECT_NE(reader.get(key), nullptr);
  EXPECT_EQ(reader.stats().disk_hits, 2u);  // promoted: the second read came from memory

  // A box far away removes nothing; the tile's own bounds remove the memory entry and both files.
  EXPECT_EQ(reader.invalidate("roads", 2024, {-1e7, -1e7, -9e6, -9e6}), 0u);
  const MercatorBox tile_box = geo::tile_box(12, 2148, 1420);
  // Straddles the edge between rows 1420 and 1421, so both tiles are touched.
  const MercatorBox edge{tile_box.minx + 10, tile_box.miny - 10, tile_box.minx + 20, tile_box.miny + 10};
  EXPECT_EQ(reader.invalidate("roads", 2024, edge), 4u);  // 2 memory entries + 2 files
  EXPECT_FALSE(std::filesystem::exists(png_path));
  EXPECT_FALSE(std::filesystem::exists(mvt_path));
  EXPECT_EQ(reader.get(key), nullptr);

  ASSERT_TRUE(reader.put(key, tile_of("again"), reader.generation()));
  reader.invalidate_all();
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "public"));
  EXPECT_TRUE(std::filesystem::exists(dir.path()));
}

TEST(TileCacheTest, UnsafeNamesStayOutOfTheDiskTree) {
  antt::testing::TempDir dir;
  TileCacheOptions options;
  options.directory = dir.path() / "cache";
  TileCache cache(options);
  TileKey key = key_at(1, 0, 0, "../escape");
  EXPECT_TRUE(cache.put(key, tile_of("x"), cache.generation()));  // memory only
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "escape"));
  EXPECT_NE(cache.get(key), nullptr);
}

}  // namespace
}  // namespace antt::http

namespace antt::http {
namespace {

TEST(TileCacheTest, ConcurrentReadersWritersAndInvalidationsStayConsistent) {
  TileCacheOptions options;
  options.max_bytes = 64 * 1024;  // small: eviction runs all the time
  TileCache cache(options);
  std::atomic<bool> wrong{false};
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; ++t) {
    workers.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        TileKey key = key_at(10, (i * 7 + t) % 64, i % 16);
        const std::string body = std::to_string(key.x) + "/" + std::to_string(key.y);
        if (i % 3 == 0) cache.put(key, tile_of(body), cache.generation());
        if (auto hit = cache.get(key); hit && *hit->body != body) wrong = true;
        if (t == 0 && i % 250 == 0) cache.invalidate("roads", 2024, geo::tile_box(10, i % 64, i % 16));
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_FALSE(wrong.load());
  EXPECT_LE(cache.stats().bytes, options.max_bytes);
}

}  // namespace
}  // namespace antt::http
