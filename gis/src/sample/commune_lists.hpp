#pragma once
// The public lists the sample is built on (sample-data/*.csv, compiled in): Hòa Bình's districts
// and communes of 2008-2019 and 2020-2025 with their GSO codes, and the 2019→2020 crosswalk.
// UNRESOLVED crosswalk rows are settled here with a plausible candidate, marked as invented.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace antt::sample {

struct DistrictRecord {
  std::string code;
  std::string name;
};

struct CommuneRecord {
  std::string code;
  std::string name;
  std::string subtype;  ///< xa, phuong, thi_tran
  std::string district;
  double area_km2 = 0;
  int population = 0;
};

/// Where (part of) a 2019 commune went on 2020-01-01.
struct Successor {
  std::string code;  ///< the 2020 unit
  double share = 1;  ///< fraction of the 2019 commune's area
};

struct CrosswalkEntry {
  std::string code_2019;
  std::string status;  ///< unchanged, absorbed, split, kept code (…)
  std::vector<Successor> successors;
  bool invented = false;  ///< UNRESOLVED in the crosswalk: the sample picked a neighbouring candidate
  std::string basis;      ///< the crosswalk's can_cu column
};

struct Unit2020Record {
  std::string code;
  std::string name;     ///< as on 2020-01-01
  std::string subtype;  ///< as on 2020-01-01
  std::string district;
  // A change of 1189/NQ-UBTVQH14 (effective 2021-02-01), when the 2020-2025 list shows it.
  std::string later_name, later_subtype, later_date, later_decision;
  std::string january_2020_code;  ///< the code GSO's January 2020 list used, when different
};

struct AdminLists {
  std::vector<DistrictRecord> districts_2019;
  std::vector<DistrictRecord> districts_2020;
  std::vector<CommuneRecord> communes_2019;
  std::vector<Unit2020Record> units_2020;
  std::vector<CrosswalkEntry> crosswalk;  ///< one per 2019 commune, in the order of communes_2019
};

/// Reads the embedded lists; throws antt::Error when they are missing or inconsistent.
AdminLists read_admin_lists();

/// "Xã Sủ Ngòi" → "xa"; "Phường …" → "phuong"; "Thị trấn …" → "thi_tran".
std::string subtype_of_name(std::string_view name);
/// "Xã Sủ Ngòi" → "Sủ Ngòi".
std::string name_without_type(std::string_view name);

/// Records of an embedded CSV (sample-data/) as maps from header name to (NFC) value.
std::vector<std::map<std::string, std::string>> read_csv(std::string_view file);

/// Splits one CSV record (RFC 4180 quotes); exposed for tests.
std::vector<std::string> split_csv_line(std::string_view line);

}  // namespace antt::sample
