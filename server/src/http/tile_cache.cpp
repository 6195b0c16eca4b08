#include "http/tile_cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>

#include "http/http.hpp"

namespace antt::http {

std::string tile_etag(std::string_view body, std::string_view scope) {
  std::string etag = strong_etag(body);
  if (scope != "public") etag.insert(etag.size() - 1, "." + std::string(scope));
  return etag;
}

namespace {

constexpr int max_zoom = 30;
constexpr std::size_t entry_overhead_bytes = 160;  // list node, index slot, control blocks (estimate)

void hash_combine(std::size_t& seed, std::size_t value) {
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

/// Names that can become one path component as they are: no separators, no "." or "..".
bool is_safe_name(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.size() > 200) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.' || c == '@' || c == '+';
  });
}

std::optional<long long> parse_digits(const std::string& text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::string content_type_for(const std::string& variant) {
  std::string format = variant.substr(0, variant.find('@'));
  if (format.rfind("png", 0) == 0) return "image/png";
  if (format == "jpg" || format == "jpeg") return "image/jpeg";
  if (format == "webp") return "image/webp";
  if (format == "mvt" || format == "pbf") return "application/vnd.mapbox-vector-tile";
  if (format == "json" || format == "geojson") return "application/json";
  return "application/octet-stream";
}

bool year_matches(int key_year, int key_date, int year) {
  return key_year == year || (key_date != 0 && key_date / 10000 == year);
}

}  // namespace

std::size_t TileKeyHash::operator()(const TileKey& key) const {
  std::size_t seed = std::hash<std::string>{}(key.layer);
  hash_combine(seed, std::hash<std::string>{}(key.scope));
  hash_combine(seed, std::hash<std::string>{}(key.variant));
  for (int part : {key.year, key.date, key.z, key.x, key.y}) hash_combine(seed, std::hash<int>{}(part));
  return seed;
}

TileCache::TileCache(TileCacheOptions options) : options_(std::move(options)) {
  const std::size_t shard_count = std::max<std::size_t>(1, options_.shards);
  shard_capacity_ = options_.max_bytes / shard_count;
  for (std::size_t i = 0; i < shard_count; ++i) shards_.push_back(std::make_unique<Shard>());
}

TileCache::~TileCache() = default;

TileCache::Shard& TileCache::shard_for(const TileKey& key) { return *shards_[TileKeyHash{}(key) % shards_.size()]; }

std::shared_ptr<const CachedTile> TileCache::get(const TileKey& key) {
  {
    Shard& shard = shard_for(key);
    std::lock_guard lock(shard.mutex);
    auto found = shard.index.find(key);
    if (found != shard.index.end()) {
      shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
      hits_.fetch_add(1, std::memory_order_relaxed);
      return found->second->tile;
    }
  }
  if (!options_.directory.empty()) {
    // Taken before reading, so a file read just before an invalidation is not promoted after it.
    const std::uint64_t generation_before_read = generation();
    if (auto tile = read_from_disk(key)) {
      insert_in_memory(key, tile, generation_before_read);
      hits_.fetch_add(1, std::memory_order_relaxed);
      disk_hits_.fetch_add(1, std::memory_order_relaxed);
      return tile;
    }
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  return nullptr;
}

void TileCache::touch(const TileKey& key) {
  Shard& shard = shard_for(key);
  std::lock_guard lock(shard.mutex);
  if (auto found = shard.index.find(key); found != shard.index.end()) {
    shard.lru.splice(shard.lru.begin(), shard.lru, found->second);
  }
}

bool TileCache::put(const TileKey& key, std::shared_ptr<const CachedTile> tile, std::uint64_t generation) {
  if (!tile || !tile->body) return false;
  const bool on_disk = !options_.directory.empty() && write_to_disk(key, *tile, generation);
  const bool in_memory = insert_in_memory(key, std::move(tile), generation);
  return on_disk || in_memory;
}

bool TileCache::insert_in_memory(const TileKey& key, std::shared_ptr<const CachedTile> tile, std::uint64_t generation) {
  const std::size_t cost = tile->body->size() + tile->content_type.size() + tile->etag.size() + key.scope.size() +
                           key.layer.size() + key.variant.size() + entry_overhead_bytes;
  if (cost > shard_capacity_) return false;  // would evict a whole shard for one tile
  Shard& shard = shard_for(key);
  std::lock_guard lock(shard.mutex);
  // Checked under the shard lock: invalidate() bumps the generation before sweeping each shard, so
  // either this check sees the bump or the sweep sees this entry.
  if (generation != generation_.load()) return false;
  if (auto found = shard.index.find(key); found != shard.index.end()) {
    shard.bytes -= found->second->cost;
    shard.lru.erase(found->second);
    shard.index.erase(found);
  }
  shard.lru.push_front(Entry{key, std::move(tile), cost});
  shard.index.emplace(key, shard.lru.begin());
  shard.bytes += cost;
  while (shard.bytes > shard_capacity_ && !shard.lru.empty()) {
    Entry& oldest = shard.lru.back();
    shard.bytes -= oldest.cost;
    shard.index.erase(oldest.key);
    shard.lru.pop_back();
    evictions_.fetch_add(1, std::memory_order_relaxed);
  }
  return true;
}

std::size_t TileCache::invalidate(const std::string& layer, int year, const MercatorBox& box) {
  generation_.fetch_add(1);
  std::size_t removed = 0;
  std::vector<TileRange> ranges(max_zoom + 1);
  for (int z = 0; z <= max_zoom; ++z) ranges[static_cast<std::size_t>(z)] = tiles_touching(box, z);
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    for (auto entry = shard->lru.begin(); entry != shard->lru.end();) {
      const TileKey& key = entry->key;
      const bool drop = key.layer == layer && year_matches(key.year, key.date, year) && key.z >= 0 &&
                        key.z <= max_zoom && ranges[static_cast<std::size_t>(key.z)].contains(key.x, key.y);
      if (!drop) {
        ++entry;
        continue;
      }
      shard->bytes -= entry->cost;
      shard->index.erase(key);
      entry = shard->lru.erase(entry);
      ++removed;
    }
  }
  if (!options_.directory.empty()) removed += remove_from_disk(layer, year, box);
  return removed;
}

void TileCache::invalidate_all() {
  generation_.fetch_add(1);
  for (auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    shard->index.clear();
    shard->lru.clear();
    shard->bytes = 0;
  }
  if (options_.directory.empty()) return;
  std::unique_lock lock(disk_mutex_);
  std::error_code error;
  for (std::filesystem::directory_iterator entry(options_.directory, error), end; !error && entry != end;
       entry.increment(error)) {
    std::error_code remove_error;
    std::filesystem::remove_all(entry->path(), remove_error);
    if (remove_error) disk_errors_.fetch_add(1, std::memory_order_relaxed);
  }
}

TileCacheStats TileCache::stats() const {
  TileCacheStats stats;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard->mutex);
    stats.entries += shard->lru.size();
    stats.bytes += shard->bytes;
  }
  stats.hits = hits_.load();
  stats.disk_hits = disk_hits_.load();
  stats.misses = misses_.load();
  stats.evictions = evictions_.load();
  stats.disk_errors = disk_errors_.load();
  return stats;
}

std::filesystem::path TileCache::disk_path(const TileKey& key) const {
  if (!is_safe_name(key.scope) || !is_safe_name(key.layer) || !is_safe_name(key.variant)) return {};
  if (key.z < 0 || key.z > max_zoom || key.x < 0 || key.y < 0) return {};
  const int period = key.date != 0 ? key.date : key.year;
  return options_.directory / key.scope / key.layer / std::to_string(period) / std::to_string(key.z) /
         std::to_string(key.x) / (std::to_string(key.y) + "." + key.variant);
}

std::shared_ptr<const CachedTile> TileCache::read_from_disk(const TileKey& key) {
  const std::filesystem::path path = disk_path(key);
  if (path.empty()) return nullptr;
  std::ifstream file(path, std::ios::binary);
  if (!file) return nullptr;
  std::string body((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) {
    disk_errors_.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  auto tile = std::make_shared<CachedTile>();
  tile->etag = tile_etag(body, key.scope);
  tile->body = std::make_shared<const std::string>(std::move(body));
  tile->content_type = content_type_for(key.variant);
  return tile;
}

bool TileCache::write_to_disk(const TileKey& key, const CachedTile& tile, std::uint64_t generation) {
  const std::filesystem::path path = disk_path(key);
  if (path.empty()) return false;
  std::shared_lock lock(disk_mutex_);
  if (generation != generation_.load()) return false;
  std::error_code error;
  std::filesystem::create_directories(path.parent_path(), error);
  // Write a private temp file and rename it: readers (and `anttmap seed` running alongside) see
  // either no file or the whole tile.
  std::filesystem::path temp = path;
  temp += ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(temp_counter_.fetch_add(1));
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    file.write(tile.body->data(), static_cast<std::streamsize>(tile.body->size()));
    file.close();
    if (error || !file) {
      std::filesystem::remove(temp, error);
      disk_errors_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
  }
  std::filesystem::rename(temp, path, error);
  if (error) {
    std::filesystem::remove(temp, error);
    disk_errors_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

std::size_t TileCache::remove_from_disk(const std::string& layer, int year, const MercatorBox& box) {
  namespace fs = std::filesystem;
  std::unique_lock lock(disk_mutex_);
  std::size_t removed = 0;
  std::error_code error;
  auto subdirectories = [&](const fs::path& parent) {
    std::vector<fs::path> found;
    std::error_code list_error;
    for (fs::directory_iterator entry(parent, list_error), end; !list_error && entry != end;
         entry.increment(list_error)) {
      if (entry->is_directory(list_error)) found.push_back(entry->path());
    }
    return found;
  };
  auto remove_file = [&](const fs::path& file) {
    std::error_code remove_error;
    if (fs::remove(file, remove_error)) ++removed;
    if (remove_error) disk_errors_.fetch_add(1, std::memory_order_relaxed);
  };

  for (const fs::path& scope : subdirectories(options_.directory)) {
    const fs::path layer_dir = scope / layer;
    if (!is_safe_name(layer) || !fs::is_directory(layer_dir, error)) continue;
    for (const fs::path& period_dir : subdirectories(layer_dir)) {
      const std::optional<long long> period = parse_digits(period_dir.filename().string());
      if (!period) continue;
      const bool is_date = period_dir.filename().string().size() == 8;
      if (!(is_date ? *period / 10000 == year : *period == year)) continue;
      // Only the zoom levels present on disk, and only x columns in range that exist.
      for (const fs::path& zoom_dir : subdirectories(period_dir)) {
        const std::optional<long long> z = parse_digits(zoom_dir.filename().string());
        if (!z || *z > max_zoom) continue;
        const TileRange range = tiles_touching(box, static_cast<int>(*z));
        if (range.first_x > range.last_x) continue;
        std::vector<fs::path> columns;
        if (range.last_x - range.first_x < 4096) {
          for (int x = range.first_x; x <= range.last_x; ++x) {
            fs::path column = zoom_dir / std::to_string(x);
            if (fs::is_directory(column, error)) columns.push_back(std::move(column));
          }
        } else {
          for (fs::path& column : subdirectories(zoom_dir)) {
            const std::optional<long long> x = parse_digits(column.filename().string());
            if (x && *x >= range.first_x && *x <= range.last_x) columns.push_back(std::move(column));
          }
        }
        for (const fs::path& column : columns) {
          std::vector<fs::path> files;
          std::error_code list_error;
          for (fs::directory_iterator entry(column, list_error), end; !list_error && entry != end;
               entry.increment(list_error)) {
            const std::string name = entry->path().filename().string();
            const std::optional<long long> y = parse_digits(name.substr(0, name.find('.')));
            if (y && *y >= range.first_y && *y <= range.last_y) files.push_back(entry->path());
          }
          for (const fs::path& file : files) remove_file(file);
        }
      }
    }
  }
  return removed;
}

}  // namespace antt::http
