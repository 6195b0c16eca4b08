#pragma once
// Region growing on the hex grid: splits a connected set of cells into connected regions of
// roughly given sizes. Regions grow from seeds in order of a noisy travel cost (so boundaries
// wander like ridges and streams rather than running straight), each stopping at its target
// size; cells nobody reached go to the emptiest neighbouring region. The growth is repeated
// with adjusted speeds until the sizes fit.
#include <cstdint>
#include <vector>

#include "hex_grid.hpp"
#include "random.hpp"

namespace antt::sample {

struct Region {
  int seed = -1;      ///< a cell of the domain; distinct per region
  double target = 1;  ///< relative size (or cells, with PartitionOptions::absolute)
};

struct PartitionOptions {
  int iterations = 6;
  bool move_seeds = false;     ///< Lloyd step: re-seed each region at its centre between passes
  bool fill_leftovers = true;  ///< give unreached cells to a neighbouring region
  bool absolute = false;       ///< targets are cell counts; otherwise scaled to the domain size
  double tolerance = 0.03;     ///< stop when every region is within this fraction of its target
  int balance_passes = 200;    ///< passes moving boundary cells from full regions to short ones
};

/// Smooth value noise in [0, 1) with unit wavelength.
double value_noise(std::uint64_t seed, double x, double y);

/// A travel cost per grid cell from smooth value noise (`scale_km` wavelength).
std::vector<float> noise_cost(const HexGrid& grid, std::uint64_t seed, double scale_km, double amplitude);

/// `count` distinct, well spread cells of `domain` (farthest-point sampling with random candidates),
/// starting with the cells in `fixed` (which come first in the result).
std::vector<int> spread_seeds(const HexGrid& grid, const std::vector<int>& domain, int count, Random& random,
                              const std::vector<int>& fixed = {});

class Partitioner {
 public:
  explicit Partitioner(const HexGrid& grid);

  /// Splits `domain` among `regions`: labels[cell] = ids[region] for every cell reached (all of
  /// them when fill_leftovers). Returns the cells of each region, in domain order.
  std::vector<std::vector<int>> split(const std::vector<int>& domain, std::vector<Region>& regions,
                                      const std::vector<float>& cost, std::vector<int>& labels,
                                      const std::vector<int>& ids, const PartitionOptions& options);

 private:
  std::vector<int> grow(const std::vector<int>& domain, const std::vector<Region>& regions,
                        const std::vector<double>& caps, const std::vector<double>& speed,
                        const std::vector<float>& cost, bool fill_leftovers);
  void balance(const std::vector<int>& domain, const std::vector<double>& caps, std::vector<int>& counts,
               const std::vector<int>& pinned, int passes, double tolerance);

  const HexGrid& grid_;
  std::vector<std::uint32_t> stamp_;
  std::uint32_t token_ = 0;
  std::vector<int> owner_;
  std::vector<std::uint64_t> recent_;  ///< token·256 + pass of the last balancing move of a cell
};

}  // namespace antt::sample
