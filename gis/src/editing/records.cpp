#include "antt/editing/records.hpp"

#include <optional>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/text/unicode.hpp"

namespace antt::editing {
namespace {

bool designation_in_force(const store::HotspotDesignation& hotspot, const std::string& date) {
  return hotspot.valid_from <= date && hotspot.valid_to.value_or(std::string(antt::kOpenEnd)) > date;
}

}  // namespace

store::HotspotDesignation designate_hotspot(store::Store& store, const store::Actor& actor,
                                            store::HotspotDesignation hotspot) {
  hotspot.valid_from = require_iso_date(hotspot.valid_from, "from");
  hotspot.decision = text::to_nfc(hotspot.decision);
  hotspot.note = text::to_nfc(hotspot.note);
  const std::string& code = hotspot.commune_code;
  store.write(actor, [&] {
    const auto commune = store.unit_at(code, hotspot.valid_from, false);
    if (!commune || commune->kind != store::UnitKind::commune)
      throw InputError("no commune " + code + " on " + hotspot.valid_from + " / không có xã mã " + code +
                       " vào ngày này");
    for (const auto& existing : store.hotspots())
      if (existing.commune_code == code && designation_in_force(existing, hotspot.valid_from))
        throw InputError("commune " + code + " is already a hotspot on " + hotspot.valid_from + " (since " +
                         existing.valid_from + ") / xã đã là địa bàn trọng điểm");
    hotspot.id = store.add_hotspot(hotspot);
  });
  return hotspot;
}

store::HotspotDesignation lift_hotspot(store::Store& store, const store::Actor& actor, const std::string& code,
                                       const std::string& date) {
  const std::string on = require_iso_date(date, "on");
  std::optional<store::HotspotDesignation> current;
  store.write(actor, [&] {
    for (const auto& hotspot : store.hotspots())
      if (hotspot.commune_code == code && hotspot.valid_from < on &&
          hotspot.valid_to.value_or(std::string(antt::kOpenEnd)) > on)
        current = hotspot;
    if (!current)
      throw InputError("commune " + code + " has no hotspot designation in force before " + on +
                       " / xã không có quyết định trọng điểm đang hiệu lực");
    store.end_hotspot(current->id, on);
  });
  current->valid_to = on;
  return *current;
}

void set_cluster_membership(store::Store& store, const store::Actor& actor, const std::string& code, int year,
                            const std::set<std::string>& clusters) {
  store.write(actor, [&] {
    if (!store.unit_at(code, year_end(year), false))
      throw InputError("no unit " + code + " is valid on 31 December " + std::to_string(year) +
                       " / không có đơn vị này vào năm " + std::to_string(year));
    std::set<std::string> known;
    for (const auto& cluster : store.clusters()) known.insert(cluster.code);
    for (const auto& cluster : clusters)
      if (!known.count(cluster)) throw InputError("no cluster " + cluster + " / không có cụm mã " + cluster);
    std::set<std::string> current;
    for (const auto& cluster_year : store.cluster_years(year))
      for (const auto& member : cluster_year.member_codes)
        if (member == code) current.insert(cluster_year.cluster_code);
    for (const auto& cluster : current)
      if (!clusters.count(cluster)) store.set_cluster_member(cluster, year, code, false);
    for (const auto& cluster : clusters)
      if (!current.count(cluster)) store.set_cluster_member(cluster, year, code, true);
  });
}

}  // namespace antt::editing
