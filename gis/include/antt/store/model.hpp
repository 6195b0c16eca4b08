#pragma once
// The data the store holds, as plain values. Geometry travels as ISO WKB in EPSG:4326
// (MultiPolygon for areas; Point or MultiPolygon for agencies, enterprises and schools).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace antt::store {

enum class UnitKind { province, district, commune, village, agency, enterprise, school };

/// Spellings used on the command line, in the store and in exports.
std::string_view to_string(UnitKind kind);
/// Parses a kind; throws UsageError listing the valid spellings.
UnitKind parse_unit_kind(std::string_view text);
/// Every kind in hierarchy order.
const std::vector<UnitKind>& all_unit_kinds();
/// Agencies, enterprises and schools may be points; the other kinds are areas.
bool kind_may_be_point(UnitKind kind);

enum class StatusValue { not_registered, registered, proposed, recognised, not_recognised, revoked };
std::string_view to_string(StatusValue status);
StatusValue parse_status(std::string_view text);  // throws InputError
/// Vietnamese label for reports and forms.
std::string_view vietnamese_label(StatusValue status);
/// Recognised and revoked need a decision number, date and authority.
bool status_needs_decision(StatusValue status);

/// One version of a unit: a code is reused across versions, so a version is code + validity.
struct UnitVersion {
  std::int64_t id = 0;  ///< store row id; 0 until saved
  std::string code;
  std::string name;     ///< Unicode NFC
  UnitKind kind = UnitKind::commune;
  std::string subtype;  ///< communes: "xa", "phuong" or "thi_tran"; empty otherwise
  std::string parent_code;  ///< empty when the unit has no parent
  std::string valid_from;   ///< inclusive ISO date; "0001-01-01" when open-ended
  std::optional<std::string> valid_to;  ///< exclusive ISO date (the day a change took effect)
  std::string geometry_wkb;  ///< ISO WKB, EPSG:4326; empty when the unit has no geometry
  bool synthetic = false;    ///< geometry or lineage invented (sample data)
};

inline constexpr std::string_view kOpenStart = "0001-01-01";

/// The inputs of the yearly criteria. TT 23/2012 applies until 2021, TT 124/2021 from 2022.
struct Criteria {
  std::optional<bool> resolution_adopted;      ///< resolution and plan adopted, registered
  std::optional<double> pledge_share;          ///< % of households that signed the pledge
  std::optional<std::string> police_rating;    ///< e.g. "tien_tien", "xuat_sac", "khong_dat"
  std::optional<double> villages_recognised_share;  ///< % of villages recognised (communes)
  std::optional<int> effective_models;         ///< TT 124: effective movement models (communes)
};

/// The legal rule whose criteria apply in a year.
std::string_view criteria_rule_for_year(int year);

struct StatusRecord {
  std::int64_t id = 0;
  std::string unit_code;
  int year = 0;
  StatusValue status = StatusValue::not_registered;
  std::string decision_number;
  std::string decision_date;  ///< ISO date or empty
  std::string authority;
  Criteria criteria;
  std::string note;
  std::string recorded_at;  ///< set by the store
  std::string recorded_by;  ///< set by the store
  std::optional<std::int64_t> supersedes;  ///< set by the store: the row this one corrects
};

/// One value of a programme indicator (antt/editing/indicators.hpp) for a unit and year: append-only
/// like statuses; the newest row of a unit, year and indicator is the one in force.
struct IndicatorValue {
  std::int64_t id = 0;
  std::string unit_code;
  int year = 0;
  std::string indicator;        ///< an id of editing::indicator_definitions()
  std::optional<double> number; ///< counts, percentages, VND, yes (1) / no (0)
  std::string text;             ///< grades ("kha", "trung_binh", "yeu")
  std::string note;
  std::string recorded_at;  ///< set by the store
  std::string recorded_by;  ///< set by the store
  std::optional<std::int64_t> supersedes;  ///< set by the store: the row this one corrects
};

enum class LineageKind { create, abolish, merge, split, rename, transfer, reclassify };
std::string_view to_string(LineageKind kind);
LineageKind parse_lineage_kind(std::string_view text);

struct UnitRef {
  std::string code;
  std::string valid_from;  ///< identifies the version
};

struct LineageEvent {
  std::int64_t id = 0;
  LineageKind kind = LineageKind::merge;
  std::string effective_date;  ///< the day the change took effect
  std::string decision;        ///< legal decision, e.g. "830/NQ-UBTVQH14"
  std::vector<UnitRef> from;
  std::vector<UnitRef> to;
  std::string note;
  bool synthetic = false;
};

struct HotspotDesignation {
  std::int64_t id = 0;
  std::string commune_code;
  std::string valid_from;
  std::optional<std::string> valid_to;
  std::string decision;
  std::string note;
};

enum class ClusterKind { giap_ranh, lien_ket };
std::string_view to_string(ClusterKind kind);
ClusterKind parse_cluster_kind(std::string_view text);

struct Cluster {
  std::string code;
  std::string name;
  ClusterKind kind = ClusterKind::giap_ranh;
};

struct ClusterYear {
  std::string cluster_code;
  int year = 0;
  std::vector<std::string> member_codes;  ///< communes, possibly of neighbouring provinces
  std::string standing_unit_code;         ///< empty when none was named
};

/// Self-management model types named in the programme (Đề án 886, 2012).
const std::vector<std::string>& model_types();

struct SelfManagementModel {
  std::int64_t id = 0;
  std::string code;
  std::string type;       ///< one of model_types()
  std::string name;
  std::string unit_code;  ///< village, commune, agency, enterprise or school that runs it
  std::string location_wkb;  ///< optional Point, EPSG:4326
  std::string founded;       ///< ISO date
};

struct ModelYear {
  std::int64_t model_id = 0;
  int year = 0;
  bool effective = false;
};

struct CoreForce {
  std::string unit_code;
  int year = 0;
  bool staffed = false;
  int members = 0;
};

struct Festival {
  std::string unit_code;
  int year = 0;
  bool held = false;
};

struct AuditEntry {
  std::int64_t id = 0;
  std::string at;
  std::string user;
  std::string tool;
  std::string table_name;
  std::string operation;  ///< INSERT, UPDATE or DELETE
  std::string row_key;
  std::string before_json;
  std::string after_json;
  std::string before_wkb;  ///< geometry before the change (tables with geometry), ISO WKB
  std::string after_wkb;
};

/// The reason an editor gave to save boundaries over validation errors.
struct ValidationOverride {
  std::int64_t id = 0;
  std::string at;           ///< set by the store
  std::string recorded_by;  ///< set by the store: the actor's user
  std::string reason;       ///< required, not blank
  std::vector<std::string> units;  ///< the units written
  std::string findings_json;       ///< the validation errors overridden (validate::to_json findings)
};

/// The scanned decision behind a yearly status (PDF, JPEG or PNG), kept in the store. Documents are
/// appended, never changed: the one in force for a unit and year is the newest, and a correction of the
/// status keeps it.
struct DecisionDocument {
  std::int64_t id = 0;
  std::string unit_code;
  int year = 0;
  std::int64_t status_id = 0;  ///< the status row in force when it was attached
  std::string media_type;      ///< application/pdf, image/jpeg or image/png (checked by content)
  std::string file_name;       ///< as the uploader named it (NFC); may be empty
  std::string content;         ///< the bytes; empty in listings
  std::int64_t bytes = 0;
  std::string sha256;          ///< set by the store (hex)
  std::string uploaded_at;     ///< set by the store
  std::string uploaded_by;     ///< set by the store: the actor's user
};

/// The largest decision document the store accepts.
inline constexpr std::int64_t kMaxDecisionBytes = 10 * 1024 * 1024;

/// The media type the bytes are (PDF, JPEG or PNG, by their signature), or "" for anything else.
std::string decision_media_type(std::string_view bytes);

/// A person who signs in (the web viewer; later the QGIS plugin and the write API). The password
/// is kept only as an argon2id hash (antt/access/access.hpp), never read back by listings.
struct Account {
  std::int64_t id = 0;
  std::string name;  ///< the sign-in name
  std::string role;  ///< public, partner, viewer, editor or admin
  std::vector<std::string> scope;  ///< editors: the unit codes (communes, districts, province) they edit
  bool disabled = false;
  std::string created_at;           ///< set by the store
  std::string password_changed_at;  ///< set by the store
};

/// A key a portal, a script or the QGIS plugin sends as `Authorization: Bearer KEY`. The store
/// keeps a digest of the key, never the key itself.
struct ApiKey {
  std::int64_t id = 0;
  std::string name;  ///< unique among keys not revoked
  std::string role;
  std::vector<std::string> scope;
  std::string prefix;  ///< the key's first characters, to recognise it in lists
  std::string created_at;                 ///< set by the store
  std::optional<std::string> revoked_at;  ///< set by the store
};

/// Who makes a change, recorded in the audit log.
struct Actor {
  std::string user;  ///< the account: the server's signed-in caller, or the CLI's OS account
  std::string tool;  ///< e.g. "anttmap import"
};

}  // namespace antt::store
