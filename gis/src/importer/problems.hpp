#pragma once
// Problems found while checking an import file: collected, then reported together in one
// InputError, so one run shows them all and nothing is written.
#include <string>
#include <vector>

#include "antt/store/model.hpp"

namespace antt::importer {

class Problems {
 public:
  void add(std::string problem) { items_.push_back(std::move(problem)); }
  bool empty() const { return items_.empty(); }
  /// Throws InputError listing the first 25 problems ("nothing was imported") when there are any.
  void throw_if_any(const std::string& path) const;

 private:
  std::vector<std::string> items_;
};

/// "a, b, c, …" with at most ten items (for warnings).
std::string short_list(const std::vector<std::string>& items);

/// "2008-08-01 … 2020-01-01", "0001-01-01 … open": the validity of a unit version.
std::string validity_text(const store::UnitVersion& unit);

}  // namespace antt::importer
