// The body of POST /api/validate (server/src/serve/candidates_body.hpp): edited units as GeoJSON,
// checked as JSON, then read by OGR. Any body is either candidates the validator can use or a
// refusal the server answers 400 (RequestError, InputError, CrsError); nothing else may escape.
#include <cpl_error.h>
#include <ogr_api.h>

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "antt/core/error.hpp"
#include "fuzz_support.hpp"
#include "serve/candidates_body.hpp"

namespace {

using antt::fuzz::require;

/// Each candidate names its unit once and holds a (multi)polygon or other geometry in lon/lat.
void require_usable(const std::vector<antt::validate::Candidate>& candidates) {
  std::set<std::string> codes;
  for (const auto& candidate : candidates) {
    require(!candidate.code.empty(), "a candidate has a code");
    require(codes.insert(candidate.code).second, "a code is given once");
    OGRGeometryH geometry = nullptr;
    const auto read = OGR_G_CreateFromWkb(candidate.geometry_wkb.data(), nullptr, &geometry,
                                          static_cast<int>(candidate.geometry_wkb.size()));
    require(read == OGRERR_NONE && geometry != nullptr, "a candidate's geometry is WKB OGR reads back");
    OGREnvelope box;
    OGR_G_GetEnvelope(geometry, &box);
    const bool in_lon_lat = box.MinX >= -180 && box.MaxX <= 180 && box.MinY >= -90 && box.MaxY <= 90;
    const bool empty = OGR_G_IsEmpty(geometry);
    OGR_G_DestroyGeometry(geometry);
    require(!empty, "a candidate's geometry is not empty");
    require(in_lon_lat, "a candidate's geometry is in longitude/latitude");
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // GDAL reports each unreadable body on stderr; the fuzzer would spend its time printing.
  CPLSetErrorHandler(CPLQuietErrorHandler);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(data), size);
  try {
    require_usable(antt::serve::read_candidates_body(body));
  } catch (const antt::RequestError&) {
  } catch (const antt::InputError&) {
  } catch (const antt::CrsError&) {
  }
  return 0;
}
