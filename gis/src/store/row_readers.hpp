#pragma once
// Rows of the store's tables read into the model's values: the column lists SpatiaLiteStore selects
// and the readers of one row each, in the lists' order.
#include <string>

#include "antt/store/model.hpp"
#include "antt/store/sqlite.hpp"

namespace antt::store::rows {

extern const char* const kUnitColumns;       ///< read_unit's columns; then the geometry, when wanted
extern const char* const kStatusColumns;     ///< read_status's columns
extern const char* const kIndicatorColumns;  ///< read_indicator_value's columns

UnitVersion read_unit(const Statement& row, bool with_geometry);
StatusRecord read_status(const Statement& row);
IndicatorValue read_indicator_value(const Statement& row);

/// WKB geometry type (ignoring Z/M flags) of an ISO/OGC WKB blob.
unsigned wkb_type(const std::string& wkb);

}  // namespace antt::store::rows
