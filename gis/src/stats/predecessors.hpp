#pragma once
// Lineage walked backwards, shared by re-expression (stats.cpp) and grouping (grouping.cpp).
#include <set>
#include <string>
#include <vector>

#include "antt/store/model.hpp"

namespace antt::stats {

/// Codes a unit came from through lineage (transitively, back to the start).
std::set<std::string> predecessors_of(const std::vector<store::LineageEvent>& events, const std::string& code);

}  // namespace antt::stats
