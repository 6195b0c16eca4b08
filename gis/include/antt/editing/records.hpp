#pragma once
// The programme's records about communes that editors change (hotspot designations, border-cluster
// membership): the one write path of the CLI, the QGIS plugin and the server's API. Each is checked
// inside its write transaction, so two editors cannot both designate one commune.
#include <set>
#include <string>

#include "antt/store/store.hpp"

namespace antt::editing {

/// Designates `hotspot.commune_code` a hotspot from `hotspot.valid_from` (texts stored NFC).
/// InputError when no commune has that code that day, or a designation is already in force then.
store::HotspotDesignation designate_hotspot(store::Store& store, const store::Actor& actor,
                                            store::HotspotDesignation hotspot);

/// Ends the designation in force: `date` is the first day it no longer applies. InputError when
/// none is in force before `date`.
store::HotspotDesignation lift_hotspot(store::Store& store, const store::Actor& actor, const std::string& code,
                                       const std::string& date);

/// Makes `code` a member of exactly `clusters` in `year`. InputError when the unit did not exist
/// on 31 December of the year or a cluster code is unknown.
void set_cluster_membership(store::Store& store, const store::Actor& actor, const std::string& code, int year,
                            const std::set<std::string>& clusters);

}  // namespace antt::editing
