#include "partition.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include "antt/core/error.hpp"

namespace antt::sample {
namespace {

double smooth(double t) { return t * t * (3 - 2 * t); }

}  // namespace

double value_noise(std::uint64_t seed, double x, double y) {
  const double fx = std::floor(x), fy = std::floor(y);
  const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy);
  const double tx = smooth(x - fx), ty = smooth(y - fy);
  auto at = [&](std::int64_t i, std::int64_t j) {
    return unit_from_hash(hash_of(seed, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j)));
  };
  const double a = at(ix, iy), b = at(ix + 1, iy), c = at(ix, iy + 1), d = at(ix + 1, iy + 1);
  return (a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty;
}

namespace {

struct Entry {
  double cost;
  int region;
  int cell;
  bool operator>(const Entry& other) const {
    if (cost != other.cost) return cost > other.cost;
    if (region != other.region) return region > other.region;
    return cell > other.cell;
  }
};

}  // namespace

std::vector<float> noise_cost(const HexGrid& grid, std::uint64_t seed, double scale_km, double amplitude) {
  std::vector<float> cost(static_cast<size_t>(grid.size()));
  for (int cell = 0; cell < grid.size(); ++cell) {
    const double x = grid.x_km(cell), y = grid.y_km(cell);
    const double n = 0.65 * value_noise(seed, x / scale_km, y / scale_km) +
                     0.35 * value_noise(mix64(seed), x * 2.7 / scale_km, y * 2.7 / scale_km);
    // Independent per-cell jitter breaks the hexagonal shape of plain step distances on the grid.
    const double jitter = 0.55 + 0.9 * unit_from_hash(hash_of(seed, 7, static_cast<std::uint64_t>(cell)));
    cost[static_cast<size_t>(cell)] = static_cast<float>(std::exp(amplitude * (n - 0.5)) * jitter);
  }
  return cost;
}

std::vector<int> spread_seeds(const HexGrid& grid, const std::vector<int>& domain, int count, Random& random,
                              const std::vector<int>& fixed) {
  if (count > static_cast<int>(domain.size()))
    throw Error("sample: internal error: more regions than cells in a domain");
  std::vector<int> seeds(fixed.begin(), fixed.end());
  const int n = static_cast<int>(domain.size());
  if (seeds.empty()) seeds.push_back(domain[static_cast<size_t>(random.below(n))]);
  while (static_cast<int>(seeds.size()) < count) {
    int best = -1;
    double best_distance = -1;
    for (int attempt = 0; attempt < 48; ++attempt) {
      const int candidate = domain[static_cast<size_t>(random.below(n))];
      double d = std::numeric_limits<double>::max();
      for (int s : seeds) {
        const double dx = grid.x_km(s) - grid.x_km(candidate), dy = grid.y_km(s) - grid.y_km(candidate);
        d = std::min(d, dx * dx + dy * dy);
      }
      if (d > best_distance) best = candidate, best_distance = d;
    }
    if (best_distance <= 0) {  // tiny domain: take the first unused cell
      for (int c : domain)
        if (std::find(seeds.begin(), seeds.end(), c) == seeds.end()) {
          best = c;
          break;
        }
    }
    seeds.push_back(best);
  }
  return seeds;
}

Partitioner::Partitioner(const HexGrid& grid)
    : grid_(grid),
      stamp_(static_cast<size_t>(grid.size()), 0),
      owner_(static_cast<size_t>(grid.size()), -1),
      recent_(static_cast<size_t>(grid.size()), 0) {}

std::vector<int> Partitioner::grow(const std::vector<int>& domain, const std::vector<Region>& regions,
                                   const std::vector<double>& caps, const std::vector<double>& speed,
                                   const std::vector<float>& cost, bool fill_leftovers) {
  for (int c : domain) owner_[static_cast<size_t>(c)] = -1;
  const size_t r_count = regions.size();
  std::vector<int> counts(r_count, 0);
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  for (size_t r = 0; r < r_count; ++r) heap.push({0.0, static_cast<int>(r), regions[r].seed});
  while (!heap.empty()) {
    const Entry top = heap.top();
    heap.pop();
    auto& owner = owner_[static_cast<size_t>(top.cell)];
    if (owner != -1) continue;
    const auto r = static_cast<size_t>(top.region);
    if (counts[r] >= caps[r]) continue;
    owner = top.region;
    ++counts[r];
    for (int n : grid_.neighbours(top.cell)) {
      if (n < 0 || stamp_[static_cast<size_t>(n)] != token_ || owner_[static_cast<size_t>(n)] != -1) continue;
      heap.push({top.cost + cost[static_cast<size_t>(n)] / speed[r], top.region, n});
    }
  }
  if (!fill_leftovers) return counts;
  // Unreached cells join the neighbouring region that is furthest below its target.
  std::vector<int> queue;
  auto is_free = [&](int c) {
    return c >= 0 && stamp_[static_cast<size_t>(c)] == token_ && owner_[static_cast<size_t>(c)] == -1;
  };
  for (int c : domain) {
    if (owner_[static_cast<size_t>(c)] != -1) continue;
    for (int n : grid_.neighbours(c))
      if (n >= 0 && stamp_[static_cast<size_t>(n)] == token_ && owner_[static_cast<size_t>(n)] != -1) {
        queue.push_back(c);
        break;
      }
  }
  for (int c : queue) owner_[static_cast<size_t>(c)] = -2;  // queued
  for (size_t head = 0; head < queue.size(); ++head) {
    const int c = queue[head];
    int best = -1;
    double best_fill = std::numeric_limits<double>::max();
    for (int n : grid_.neighbours(c)) {
      if (n < 0 || stamp_[static_cast<size_t>(n)] != token_) continue;
      const int o = owner_[static_cast<size_t>(n)];
      if (o < 0) continue;
      const double fill = counts[static_cast<size_t>(o)] / std::max(caps[static_cast<size_t>(o)], 1.0);
      if (fill < best_fill || (fill == best_fill && o < best)) best = o, best_fill = fill;
    }
    owner_[static_cast<size_t>(c)] = best;
    ++counts[static_cast<size_t>(best)];
    for (int n : grid_.neighbours(c))
      if (is_free(n)) {
        owner_[static_cast<size_t>(n)] = -2;
        queue.push_back(n);
      }
  }
  for (int c : domain)
    if (owner_[static_cast<size_t>(c)] < 0)
      throw Error("sample: internal error: a domain split into disconnected parts");
  return counts;
}

std::vector<std::vector<int>> Partitioner::split(const std::vector<int>& domain, std::vector<Region>& regions,
                                                 const std::vector<float>& cost, std::vector<int>& labels,
                                                 const std::vector<int>& ids, const PartitionOptions& options) {
  if (ids.size() != regions.size()) throw Error("sample: internal error: one id per region expected");
  if (regions.empty()) throw Error("sample: internal error: splitting a domain into no regions");
  ++token_;
  for (int c : domain) stamp_[static_cast<size_t>(c)] = token_;
  for (const Region& region : regions)
    if (region.seed < 0 || stamp_[static_cast<size_t>(region.seed)] != token_)
      throw Error("sample: internal error: a region's seed lies outside its domain");
  const size_t r_count = regions.size();
  double total = 0;
  for (const Region& region : regions) total += region.target;
  std::vector<double> caps(r_count);
  for (size_t r = 0; r < r_count; ++r)
    caps[r] = options.absolute ? regions[r].target : regions[r].target / total * static_cast<double>(domain.size());
  std::vector<double> speed(r_count);
  for (size_t r = 0; r < r_count; ++r) speed[r] = std::sqrt(std::max(caps[r], 1.0));

  std::vector<int> best_owner, best_counts, best_seeds;
  double best_score = std::numeric_limits<double>::max();
  const int passes = r_count == 1 ? 1 : std::max(1, options.iterations);
  for (int pass = 0; pass < passes; ++pass) {
    auto counts = grow(domain, regions, caps, speed, cost, options.fill_leftovers);
    double score = 0, worst = 0;
    for (size_t r = 0; r < r_count; ++r) {
      const double ratio = counts[r] / std::max(caps[r], 1.0);
      score += std::abs(std::log(std::max(ratio, 1e-3))) * caps[r];
      worst = std::max(worst, std::abs(ratio - 1));
    }
    if (score < best_score) {
      best_score = score;
      best_counts = counts;
      best_seeds.clear();
      for (const Region& region : regions) best_seeds.push_back(region.seed);
      best_owner.resize(domain.size());
      for (size_t i = 0; i < domain.size(); ++i) best_owner[i] = owner_[static_cast<size_t>(domain[i])];
    }
    if (worst <= options.tolerance || pass + 1 == passes) break;
    for (size_t r = 0; r < r_count; ++r) {
      const double ratio = std::max(counts[r], 1) / std::max(caps[r], 1.0);
      speed[r] *= std::clamp(std::pow(ratio, -0.6), 0.5, 2.0);
    }
    if (options.move_seeds) {
      std::vector<double> sx(r_count, 0), sy(r_count, 0);
      for (int c : domain) {
        const int o = owner_[static_cast<size_t>(c)];
        if (o < 0) continue;
        sx[static_cast<size_t>(o)] += grid_.x_km(c);
        sy[static_cast<size_t>(o)] += grid_.y_km(c);
      }
      std::vector<double> nearest(r_count, std::numeric_limits<double>::max());
      for (size_t r = 0; r < r_count; ++r)
        if (counts[r] > 0) sx[r] /= counts[r], sy[r] /= counts[r];
      for (int c : domain) {
        const int o = owner_[static_cast<size_t>(c)];
        if (o < 0) continue;
        const auto r = static_cast<size_t>(o);
        const double dx = grid_.x_km(c) - sx[r], dy = grid_.y_km(c) - sy[r], d = dx * dx + dy * dy;
        if (d < nearest[r]) nearest[r] = d, regions[r].seed = c;
      }
    }
  }
  if (options.fill_leftovers && r_count > 1 && options.balance_passes > 0) {
    for (size_t i = 0; i < domain.size(); ++i) owner_[static_cast<size_t>(domain[i])] = best_owner[i];
    balance(domain, caps, best_counts, best_seeds, options.balance_passes, options.tolerance / 2);
    for (size_t i = 0; i < domain.size(); ++i) best_owner[i] = owner_[static_cast<size_t>(domain[i])];
  }
  std::vector<std::vector<int>> cells(r_count);
  for (size_t r = 0; r < r_count; ++r) cells[r].reserve(static_cast<size_t>(best_counts[r]));
  for (size_t i = 0; i < domain.size(); ++i) {
    const int owner = best_owner[i];
    if (owner < 0) continue;
    labels[static_cast<size_t>(domain[i])] = ids[static_cast<size_t>(owner)];
    cells[static_cast<size_t>(owner)].push_back(domain[i]);
  }
  return cells;
}

void Partitioner::balance(const std::vector<int>& domain, const std::vector<double>& caps, std::vector<int>& counts,
                          const std::vector<int>& pinned, int passes, double tolerance) {
  // Seeds stay put: they keep the parts of a split commune touching.
  for (int seed : pinned) owner_[static_cast<size_t>(seed)] = ~owner_[static_cast<size_t>(seed)];
  auto owner_of = [&](int c) {
    if (c < 0 || stamp_[static_cast<size_t>(c)] != token_) return -1;
    const int o = owner_[static_cast<size_t>(c)];
    return o < 0 ? ~o : o;
  };
  auto fill = [&](int r) { return counts[static_cast<size_t>(r)] / std::max(caps[static_cast<size_t>(r)], 1.0); };
  // Each pass peels at most one layer of cells off the boundaries as they stood at its start, in
  // a scattered order, so balanced boundaries keep their wandering shape instead of sweeping flat.
  std::vector<std::pair<std::uint64_t, int>> candidates;
  for (int pass = 0; pass < std::min(passes, 255); ++pass) {
    double worst = 0;
    for (size_t r = 0; r < counts.size(); ++r) worst = std::max(worst, std::abs(fill(static_cast<int>(r)) - 1));
    if (worst <= tolerance) break;
    candidates.clear();
    for (int c : domain) {
      const int o = owner_[static_cast<size_t>(c)];
      if (o < 0) continue;
      for (int n : grid_.neighbours(c)) {
        const int other = owner_of(n);
        if (other >= 0 && other != o) {
          candidates.push_back({hash_of(token_, static_cast<std::uint64_t>(pass), static_cast<std::uint64_t>(c)), c});
          break;
        }
      }
    }
    std::sort(candidates.begin(), candidates.end());
    const auto mark = static_cast<std::uint64_t>(pass) + 1;
    int moved = 0;
    for (const auto& [key, c] : candidates) {
      const int o = owner_[static_cast<size_t>(c)];
      if (o < 0) continue;
      const auto around = grid_.neighbours(c);
      // The region with the lowest fill among those touching this cell (on two edges or more
      // unless it is far below target).
      int receiver = -1, runs = 0, own = 0;
      for (int e = 0; e < 6; ++e) {
        const int here = owner_of(around[static_cast<size_t>(e)]);
        const int before = owner_of(around[static_cast<size_t>((e + 5) % 6)]);
        if (here == o) {
          ++own;
          if (before != o) ++runs;
        } else if (here >= 0 && here != receiver) {
          int touching = 0;
          for (int n : around) touching += owner_of(n) == here;
          // A region far below its target may also take cells touching it on one edge only.
          if ((touching >= 2 || fill(here) < 0.8) && (receiver < 0 || fill(here) < fill(receiver))) receiver = here;
        }
      }
      // Moving must not split the donor (its cells around this one form one run) or empty it.
      if (receiver < 0 || own == 0 || runs != 1) continue;
      const double gap = fill(o) - fill(receiver);
      if (gap <=
          1.0 / std::max(caps[static_cast<size_t>(o)], 1.0) + 1.0 / std::max(caps[static_cast<size_t>(receiver)], 1.0))
        continue;
      if (fill(o) <= 1.0 && fill(receiver) >= 1.0) continue;
      // Near their targets, regions trade one layer per pass (a cell next to one that already
      // changed hands waits); far from them, they trade freely.
      if (std::abs(fill(o) - 1) < 0.12 && std::abs(fill(receiver) - 1) < 0.12) {
        bool fresh = false;
        for (int n : around)
          if (n >= 0 && stamp_[static_cast<size_t>(n)] == token_ &&
              recent_[static_cast<size_t>(n)] == std::uint64_t{token_} * 256 + mark)
            fresh = true;
        if (fresh) continue;
      }
      owner_[static_cast<size_t>(c)] = receiver;
      recent_[static_cast<size_t>(c)] = std::uint64_t{token_} * 256 + mark;
      --counts[static_cast<size_t>(o)];
      ++counts[static_cast<size_t>(receiver)];
      ++moved;
    }
    if (moved == 0) break;
  }
  for (int seed : pinned) owner_[static_cast<size_t>(seed)] = ~owner_[static_cast<size_t>(seed)];
}

}  // namespace antt::sample
