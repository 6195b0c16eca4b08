#pragma once
// The 2025 reform of the sample province, replayed through the lineage write path.
#include <cstdint>

#include "antt/store/store.hpp"

namespace antt::sample {

inline constexpr const char* kReformDate2025 = "2025-07-01";
/// The National Assembly's resolution merging provinces (Hòa Bình and Vĩnh Phúc into Phú Thọ).
inline constexpr const char* kProvincesDecision2025 = "202/2025/QH15";
/// The Standing Committee's resolution on Phú Thọ's commune-level units (number as the press
/// reported it; see sample-data/README.md).
inline constexpr const char* kCommuneDecision2025 = "1676/NQ-UBTVQH15";
/// Districts end with the two-tier local government (Luật Tổ chức chính quyền địa phương 2025).
inline constexpr const char* kDistrictsDecision2025 = "72/2025/QH15";
inline constexpr const char* kProvince2025Code = "25";
inline constexpr int kFirstReformYear = 2021;  ///< the first year whose statuses the replay draws
inline constexpr int kLastSampleYear = 2026;

/// Inside the caller's write: the 2025 reform (communes by crosswalk, districts abolished, the
/// invented neighbours ended, Hòa Bình merged into Phú Thọ), villages and facilities fitted to
/// the real communes, and synthetic statuses 2021-2026. Returns the lineage events it added
/// (not counting transfers of children).
int replay_2025_reform(store::Store& store, const store::Actor& actor, std::uint64_t seed);

}  // namespace antt::sample
