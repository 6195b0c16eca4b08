// Rows of the store's tables read into the model's values (SpatiaLiteStore's SELECTs).
#include "row_readers.hpp"

namespace antt::store::rows {

const char* const kUnitColumns =
    "id, code, name, kind, subtype, parent_code, valid_from, valid_to, synthetic";

const char* const kStatusColumns =
    "id, unit_code, year, status, decision_number, decision_date, authority, resolution_adopted, pledge_share, "
    "police_rating, villages_recognised_share, effective_models, note, supersedes, recorded_at, recorded_by";

const char* const kIndicatorColumns =
    "id, unit_code, year, indicator, number, text, note, supersedes, recorded_at, recorded_by";

/// WKB geometry type (ignoring Z/M flags) of an ISO/OGC WKB blob.
unsigned wkb_type(const std::string& wkb) {
  if (wkb.size() < 5) return 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(wkb.data());
  unsigned type = bytes[0] == 1 ? bytes[1] | bytes[2] << 8 | bytes[3] << 16 | unsigned(bytes[4]) << 24
                                : bytes[4] | bytes[3] << 8 | bytes[2] << 16 | unsigned(bytes[1]) << 24;
  return (type & 0x0fffffff) % 1000;
}

}  // namespace antt::store::rows
