// report: the printable quarterly / half-year / yearly report (docs/reports.md).
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <iostream>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "antt/core/date.hpp"
#include "antt/core/error.hpp"
#include "antt/mapdata/mapdata.hpp"
#include "command.hpp"
#include "mapserver/engine.hpp"
#include "report/report.hpp"

namespace antt::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxImageSize = 4096;

/// A private directory for the report's render file and mapfile, removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    auto pattern = (fs::temp_directory_path() / "anttmap-report-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw Error("report: cannot create a temporary directory in " +
                                                fs::temp_directory_path().string() + " (set TMPDIR)");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

/// Writes `bytes` next to `target` under a temporary name and renames it into place, so a
/// failed run never leaves a half-written report.
void write_atomically(const std::string& target, const std::string& bytes) {
  const fs::path path(target);
  const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (!fs::is_directory(dir)) throw InputError("report: no such directory: " + dir.string() + " / thư mục không tồn tại");
  std::string temp = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) throw InputError("report: cannot write in " + dir.string() + " / không ghi được tệp");
  ::close(fd);
  bool renamed = false;
  try {
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      out.close();
      if (!out) throw InputError("report: cannot write " + target + " (disk full?) / không ghi được tệp");
    }
    fs::permissions(temp, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    fs::rename(temp, path);
    renamed = true;
  } catch (...) {
    std::error_code ignored;
    if (!renamed) fs::remove(temp, ignored);
    throw;
  }
}

/// The failure of the child, rethrown in the parent as the same class (same exit code).
[[noreturn]] void rethrow(int exit_code, const std::string& message) {
  switch (static_cast<ExitCode>(exit_code)) {
    case ExitCode::usage: throw UsageError(message);
    case ExitCode::store: throw StoreError(message);
    case ExitCode::input: throw InputError(message);
    case ExitCode::crs: throw CrsError(message);
    default: throw Error(message);
  }
}

/// Builds a private render file and draws the map. `serve` keeps its own render file under a
/// lock, so the report never reads it.
report::MapImage draw_map(const Context& context, const report::ReportData& data) {
  const ScratchDir scratch;
  const auto render_path = (scratch.path() / "render.sqlite").string();
  // Drawing shapefiles for the report's year only: the map shows no other.
  mapdata::RenderStore render_store(context.open_store(), context.layers, render_path,
                                    (scratch.path() / "shapefiles").string(), {data.request.year});
  render_store.keep_only_years({data.request.year});
  render_store.build_all(context.progress("render file / dữ liệu bản đồ"));
  mapserver::EngineConfig config;
  config.layers = context.layers;
  config.render_path = render_path;
  config.work_dir = scratch.path().string();
  config.online_resource = "http://localhost/wms";
  config.max_image_size = kMaxImageSize;
  config.years = render_store.years();
  config.default_year = data.request.year;  // the only year it holds
  config.shapefiles = [&render_store] { return render_store.shapefiles(); };
  mapserver::MapEngine engine(config);
  return report::render_map(engine, data, kMaxImageSize);
}

void write_all(int fd, const std::string& bytes) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

/// The map engine is one per process: its msCleanup() ends GDAL for the whole process. The CLI is
/// also a library run in-process (tests, tools), so the render file and the map are made in a
/// child process that hands the PNG back through a pipe and leaves with _exit(), never unwinding
/// into the caller. A crash while drawing becomes an error here, not a crash of the caller.
report::MapImage render_map_in_child(const Context& context, const report::ReportData& data) {
  int fds[2];
  if (::pipe(fds) != 0) throw Error("report: cannot create a pipe");
  std::cout.flush();
  std::cerr.flush();
  const pid_t child = ::fork();
  if (child < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error("report: cannot start the map process (fork failed)");
  }
  if (child == 0) {
    ::close(fds[0]);
    std::string answer;
    try {
      const auto map = draw_map(context, data);
      answer = "OK\n" +
               nlohmann::json{{"dpi", map.dpi},           {"scale", map.scale_denominator}, {"width_px", map.width_px},
                              {"height_px", map.height_px}, {"width_mm", map.width_mm},      {"height_mm", map.height_mm},
                              {"crs", map.crs_note}}
                   .dump() +
               "\n" + map.png;
    } catch (const Error& error) {
      answer = "ERR\n" + nlohmann::json{{"exit", static_cast<int>(error.exit_code())}, {"message", error.what()}}.dump();
    } catch (const std::exception& error) {
      answer = "ERR\n" + nlohmann::json{{"exit", 1}, {"message", error.what()}}.dump();
    } catch (...) {
      answer = "ERR\n{\"exit\":1,\"message\":\"report: unknown failure while drawing the map\"}";
    }
    write_all(fds[1], answer);
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string answer;
  char buffer[65536];
  for (;;) {
    const auto n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (answer.rfind("ERR\n", 0) == 0) {
    const auto failure = nlohmann::json::parse(answer.substr(4), nullptr, false);
    if (failure.is_discarded()) throw Error("report: the map process failed");
    rethrow(failure.value("exit", 1), failure.value("message", std::string("report: the map process failed")));
  }
  const auto header_end = answer.find('\n', 3);
  if (answer.rfind("OK\n", 0) != 0 || header_end == std::string::npos) {
    throw Error(std::string("report: the map process ") +
                (WIFSIGNALED(status) ? "crashed (signal " + std::to_string(WTERMSIG(status)) + ")" : "gave no map"));
  }
  const auto header = nlohmann::json::parse(answer.substr(3, header_end - 3));
  report::MapImage map;
  map.dpi = header.at("dpi");
  map.scale_denominator = header.at("scale");
  map.width_px = header.at("width_px");
  map.height_px = header.at("height_px");
  map.width_mm = header.at("width_mm");
  map.height_mm = header.at("height_mm");
  map.crs_note = header.at("crs");
  map.png = answer.substr(header_end + 1);
  return map;
}

report::Format format_of(const ParsedArgs& args, const std::string& output) {
  if (auto format = args.get("format")) return report::parse_format(*format);
  const auto extension = fs::path(output).extension().string();
  if (extension == ".png") return report::Format::png;
  if (extension == ".html" || extension == ".htm") return report::Format::html;
  return report::Format::pdf;
}

int run_report(Context& context, const ParsedArgs& args) {
  // "--period 2020-Q1" names the year too; with --year as well, both must agree.
  const auto period = report::parse_period(args.get("period").value_or("year"));  // a bad one fails first
  const auto year_period = args.get("period") ? report::parse_year_period(*args.get("period")) : std::nullopt;
  std::optional<std::pair<int, int>> phase;
  if (auto text = args.get("phase")) {
    phase = report::parse_phase(*text);
    if (!phase) throw UsageError("--phase must be FROM-TO, e.g. 2012-2015 or 2012-2020, not '" + *text + "' / giai đoạn không hợp lệ");
    if (args.has("period")) throw UsageError("give --phase or --period, not both / chỉ chọn một trong --phase, --period");
    if (args.has("year") && *args.get_int("year") != phase->second)
      throw UsageError("--year must be the phase's last year " + std::to_string(phase->second) + " / năm phải là năm cuối giai đoạn");
  }
  if (!args.has("year") && !year_period && !phase)
    throw UsageError("report needs --year Y, --period YYYY[-Q1..Q4|-H1|-9M] or --phase FROM-TO / cần --year hoặc --period");
  const auto output = output_argument(args, "report");
  if (!output || output->empty()) throw UsageError("report needs -o FILE (or --output FILE) / cần -o TỆP");
  report::ReportRequest request;
  request.year = args.has("year") ? *args.get_int("year") : phase ? phase->second : year_period->year;
  if (phase) request.phase_from = phase->first;
  if (year_period && year_period->year != request.year)
    throw UsageError("--period " + *args.get("period") + " is not in --year " + std::to_string(request.year) +
                     " / kỳ báo cáo không thuộc năm đã chọn");
  request.district = args.get("district");
  request.paper = report::parse_paper(args.get("paper").value_or("A4"));
  request.format = format_of(args, *output);
  request.period = period;
  if (auto date = args.get("date")) request.today = require_iso_date(*date, "--date");
  // The letterhead file, then each flag over it.
  if (auto file = args.get("letterhead")) request.letterhead = report::read_letterhead(*file);
  for (const auto& key : report::letterhead_keys()) {
    std::string flag = key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    if (auto value = args.get(flag)) report::set_letterhead(request.letterhead, key, *value);
  }
  if (auto as_of = args.get("as-of"))
    request.known_at = require_known_at(*as_of == "end" ? report::period_end(request.period, request.year) : *as_of,
                                        "--as-of");

  const auto target_dir = fs::path(*output).parent_path().empty() ? fs::path(".") : fs::path(*output).parent_path();
  if (!fs::is_directory(target_dir) || ::access(target_dir.c_str(), W_OK) != 0)
    throw InputError("report: no such directory or not writable: " + target_dir.string() +
                     " / thư mục không tồn tại hoặc không ghi được");
  const auto started = std::chrono::steady_clock::now();
  report::ReportData data;
  {
    auto store = context.open_store();
    data = report::collect_report(*store, request);  // bad year / district fail here, before any work
  }
  const auto map = render_map_in_child(context, data);
  const auto document = report::write_document(data, map);
  write_atomically(*output, document);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  if (context.json) {
    print_json(context.out, nlohmann::json{{"output", *output},
                                           {"format", report::to_string(request.format)},
                                           {"paper", report::to_string(request.paper)},
                                           {"year", request.year},
                                           {"area", data.area_title},
                                           {"in_year", data.in_year},
                                           {"period", request.phase_from
                                                          ? "giai đoạn " + std::to_string(*request.phase_from) + "-" +
                                                                std::to_string(request.year)
                                                          : report::period_phrase(request.period, request.year)},
                                           {"known_at", request.known_at ? nlohmann::json(*request.known_at)
                                                                         : nlohmann::json(nullptr)},
                                           {"bytes", document.size()},
                                           {"scale", map.scale_denominator},
                                           {"map_pixels", {map.width_px, map.height_px}},
                                           {"seconds", seconds}}
                                .dump());
  } else if (!context.quiet) {
    context.out << "wrote " << *output << " (" << report::to_string(request.format) << ", "
                << report::to_string(request.paper) << ", " << data.area_title << " " << request.year << ", map 1:"
                << report::vn_thousands(static_cast<long long>(map.scale_denominator)) << ", " << document.size() / 1024
                << " KB) / đã ghi báo cáo\n";
  }
  return 0;
}

}  // namespace

std::vector<Command> report_commands() {
  return {
      {"report",
       "report --year Y | --period YYYY[-Q1..Q4|-H1|-9M] | --phase FROM-TO [--as-of DATE] [--district CODE] [--paper A4|A3] "
       "[--format pdf|png|html] -o FILE",
       "Printable report: map, table of units, targets / báo cáo in",
       {{"year", true, "the year reported (must have statuses); --period 2020-Q1 names it too"},
        {"district", true, "a district's GSO code: that district's communes and villages (default: the province)"},
        {"paper", true, "A4 (default) or A3, portrait"},
        {"format", true, "pdf (default; or from the -o extension), png (page 1, 150 dpi) or html"},
        {"output", true, "the file to write (same as -o FILE)"},
        {"phase", true, "a phase review, e.g. 2012-2015 (sơ kết giai đoạn I) or 2012-2020 (tổng kết): every year's "
                        "results against its target in a table and a chart, then the last year's report"},
        {"period", true, "2020, 2020-Q1..2020-Q4, 2020-H1 (6 tháng đầu năm), 2020-9M (9 tháng); or year, q1..q4, "
                         "h1, 9m with --year: the period the title names"},
        {"as-of", true, "count only what had been recorded by then: YYYY-MM-DD (end of that day, Vietnam time), "
                        "YYYY-MM-DDTHH:MM[:SS](Z|+07:00), or 'end' for the period's last day: to print a report "
                        "again as it was known then (default: everything recorded so far)"},
        {"date", true, "the date the report carries, YYYY-MM-DD (default today); the current year is in-year"},
        {"letterhead", true, "a file of key = value lines: parent_body, issuer, number, place, signer_title, "
                             "signer, recipients (see docs/reports.md); the flags below override it"},
        {"parent-body", true, "the body above the issuer, e.g. UBND TỈNH HÒA BÌNH (default from the province)"},
        {"issuer", true, "who issues the report; '|' breaks the line (default: the Ban Chỉ đạo)"},
        {"number", true, "the document number, e.g. 12/BC-BCĐ (default: left blank to write by hand)"},
        {"place", true, "the place before the date (default: the province)"},
        {"signer-title", true, "above the signature, e.g. 'TM. BAN CHỈ ĐẠO|TRƯỞNG BAN'"},
        {"signer", true, "the signer's name (default: a dotted line)"},
        {"recipients", true, "Nơi nhận, separated by ';'"}},
       run_report,
       "Page 1: the administrative header (Nghị định 30/2020/NĐ-CP), the title with the year, the map (the\n"
       "server's styles, VN-2000 / TM-3 106-00, true scale bar, north arrow, legend, source line) and the\n"
       "result against the year's target (over 70 % from 2015, over 90 % from 2020). Then the summary table\n"
       "(total, registered, proposed, recognised, share) and every unit with its status and decision, over as\n"
       "many pages as needed, and the signature block. A report for the current year counts units so far.\n"
       "With --as-of the figures, the table and the map's colours are the statuses as they had been recorded\n"
       "by then (the store keeps every row with the moment it was recorded): a correction made later is left\n"
       "out, so the report printed again shows what was known. Unit boundaries are those of 31 December.\n"
       "The output is written to a temporary file and renamed: a failed run leaves no file.\n"
       "Exit codes: 2 bad option (paper, format, missing -o), 3 store, 4 year without status or unknown\n"
       "district. See docs/reports.md."},
  };
}

}  // namespace antt::cli
