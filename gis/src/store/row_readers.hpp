#pragma once
// Rows of the store's tables read into the model's values: the column lists both stores select and
// the readers of one row each, in the lists' order.
#include <string>

#include "antt/store/model.hpp"

namespace antt::store::rows {

extern const char* const kUnitColumns;       ///< read_unit's columns; then the geometry, when wanted
extern const char* const kStatusColumns;     ///< read_status's columns
extern const char* const kIndicatorColumns;  ///< read_indicator_value's columns

// Row: an SQLite Statement or a PostgreSQL pg::Row (the same accessors).
template <typename Row>
UnitVersion read_unit(const Row& row, bool with_geometry) {
  UnitVersion unit;
  unit.id = row.integer(0);
  unit.code = row.text(1);
  unit.name = row.text(2);
  unit.kind = parse_unit_kind(row.text(3));
  unit.subtype = row.text(4);
  unit.parent_code = row.text(5);
  unit.valid_from = row.text(6);
  unit.valid_to = row.optional_text(7);
  unit.synthetic = row.integer(8) != 0;
  if (with_geometry) unit.geometry_wkb = row.blob(9);
  return unit;
}

template <typename Row>
StatusRecord read_status(const Row& row) {
  StatusRecord record;
  record.id = row.integer(0);
  record.unit_code = row.text(1);
  record.year = static_cast<int>(row.integer(2));
  record.status = parse_status(row.text(3));
  record.decision_number = row.text(4);
  record.decision_date = row.text(5);
  record.authority = row.text(6);
  if (!row.is_null(7)) record.criteria.resolution_adopted = row.integer(7) != 0;
  if (!row.is_null(8)) record.criteria.pledge_share = row.real(8);
  record.criteria.police_rating = row.optional_text(9);
  if (!row.is_null(10)) record.criteria.villages_recognised_share = row.real(10);
  if (!row.is_null(11)) record.criteria.effective_models = static_cast<int>(row.integer(11));
  record.note = row.text(12);
  if (!row.is_null(13)) record.supersedes = row.integer(13);
  record.recorded_at = row.text(14);
  record.recorded_by = row.text(15);
  return record;
}

template <typename Row>
IndicatorValue read_indicator_value(const Row& row) {
  IndicatorValue value;
  value.id = row.integer(0);
  value.unit_code = row.text(1);
  value.year = static_cast<int>(row.integer(2));
  value.indicator = row.text(3);
  if (!row.is_null(4)) value.number = row.real(4);
  value.text = row.text(5);
  value.note = row.text(6);
  if (!row.is_null(7)) value.supersedes = row.integer(7);
  value.recorded_at = row.text(8);
  value.recorded_by = row.text(9);
  return value;
}

/// WKB geometry type (ignoring Z/M flags) of an ISO/OGC WKB blob.
unsigned wkb_type(const std::string& wkb);

}  // namespace antt::store::rows
