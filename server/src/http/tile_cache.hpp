#pragma once
// Rendered tiles kept in memory (sharded LRU with a byte cap) and optionally on disk
// (<dir>/<scope>/<layer>/<year or date>/<z>/<x>/<y>.<variant>), which `anttmap seed` fills.
// A data generation counter keeps tiles rendered from superseded data out of the cache.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <list>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "antt/geo/web_mercator.hpp"

namespace antt::http {

/// A tile's ETag: the strong tag of its bytes, with the access scope in it for every scope but
/// "public", so no client carries a tag from one scope into another.
std::string tile_etag(std::string_view body, std::string_view scope);

struct TileKey {
  std::string scope = "public";  ///< access scope: a tile rendered for one scope is never served to another
  std::string layer;
  int year = 0;
  int date = 0;  ///< yyyymmdd for daily layers, else 0
  int z = 0;
  int x = 0;
  int y = 0;
  std::string variant = "png";  ///< "png", "png@2x", "png8", "mvt", ...

  bool operator==(const TileKey&) const = default;
};

struct TileKeyHash {
  std::size_t operator()(const TileKey& key) const;
};

struct CachedTile {
  std::shared_ptr<const std::string> body;
  std::string content_type;
  std::string etag;  ///< quoted; http::strong_etag(body) for tiles read back from disk
};

// Tiles and boxes of the web-mercator grid (antt/geo/web_mercator.hpp): a change's box drops the
// tiles that touch it (edges included: a line on a tile edge is drawn into both tiles).
using geo::MercatorBox;
using geo::TileRange;
using geo::tiles_touching;

struct TileCacheOptions {
  std::size_t max_bytes = std::size_t{256} << 20;  ///< memory cap, split evenly over the shards
  std::size_t shards = 16;                         ///< independent LRUs, to keep lock contention low
  std::filesystem::path directory;                 ///< disk layer; empty = memory only
};

struct TileCacheStats {
  std::size_t entries = 0;
  std::size_t bytes = 0;
  std::uint64_t hits = 0;  ///< memory and disk hits
  std::uint64_t disk_hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t evictions = 0;
  std::uint64_t disk_errors = 0;  ///< disk writes/reads that failed (the memory layer still worked)
};

class TileCache {
 public:
  explicit TileCache(TileCacheOptions options = {});
  ~TileCache();
  TileCache(const TileCache&) = delete;
  TileCache& operator=(const TileCache&) = delete;

  /// Memory first, then disk (a disk hit is promoted to memory); null on a miss.
  std::shared_ptr<const CachedTile> get(const TileKey& key);

  /// Marks the tile as just used (front of the LRU) if it is in memory, without counting a hit:
  /// for tiles whose answer the HTTP server sends again without asking the cache.
  void touch(const TileKey& key);

  /// Take this before rendering and pass it to put().
  std::uint64_t generation() const { return generation_.load(); }

  /// Stores the tile unless an invalidation happened since `generation` was taken (the tile may
  /// show superseded data). Returns whether it was stored. Disk failures are counted, not thrown.
  bool put(const TileKey& key, std::shared_ptr<const CachedTile> tile, std::uint64_t generation);

  /// Drops the tiles of `layer` for `year` (and its daily dates), in every scope and variant, whose
  /// bounds touch `box`, from memory and disk. Returns how many entries and files were removed.
  std::size_t invalidate(const std::string& layer, int year, const MercatorBox& box);
  void invalidate_all();

  TileCacheStats stats() const;

 private:
  struct Entry {
    TileKey key;
    std::shared_ptr<const CachedTile> tile;
    std::size_t cost = 0;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::list<Entry> lru;  // front = most recently used
    std::unordered_map<TileKey, std::list<Entry>::iterator, TileKeyHash> index;
    std::size_t bytes = 0;
  };

  Shard& shard_for(const TileKey& key);
  bool insert_in_memory(const TileKey& key, std::shared_ptr<const CachedTile> tile, std::uint64_t generation);
  std::shared_ptr<const CachedTile> read_from_disk(const TileKey& key);
  bool write_to_disk(const TileKey& key, const CachedTile& tile, std::uint64_t generation);
  std::size_t remove_from_disk(const std::string& layer, int year, const MercatorBox& box);
  std::filesystem::path disk_path(const TileKey& key) const;  ///< empty when the key cannot be a safe path

  TileCacheOptions options_;
  std::size_t shard_capacity_ = 0;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<std::uint64_t> generation_{0};
  std::shared_mutex disk_mutex_;  // writers share it; invalidation takes it alone
  std::atomic<std::uint64_t> temp_counter_{0};
  std::atomic<std::uint64_t> hits_{0};
  std::atomic<std::uint64_t> disk_hits_{0};
  std::atomic<std::uint64_t> misses_{0};
  std::atomic<std::uint64_t> evictions_{0};
  std::atomic<std::uint64_t> disk_errors_{0};
};

}  // namespace antt::http
