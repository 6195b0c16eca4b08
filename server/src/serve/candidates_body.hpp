#pragma once
// The body of POST /api/validate: a GeoJSON FeatureCollection of edited units, checked as JSON
// before any parser builds it in memory (size, nesting, type, CRS), then read by OGR like a file.
#include <string>
#include <vector>

#include "antt/validate/validator.hpp"

namespace antt::serve {

/// The candidates of `body`; none for an empty FeatureCollection (the whole store is checked).
/// RequestError (400) naming what is wrong: not UTF-8, not JSON, nested deeper than 32 levels, not
/// a FeatureCollection, a CRS that is not a name, no "features" array.
std::vector<validate::Candidate> read_candidates_body(const std::string& body);

}  // namespace antt::serve
