#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/commands/commands.hpp"
#include "cli/render/table.hpp"
#include "core/ingest/csv_reader.hpp"
#include "core/ingest/format.hpp"
#include "core/ingest/import.hpp"

namespace casetrail::cli {
namespace {

struct ImportOptions {
  std::string case_key;
  ingest::ImportRequest request;
};

std::string thousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

// Rejections as they happen, and a progress line on a terminal.
class CliObserver final : public ingest::ImportObserver {
public:
  explicit CliObserver(Context& ctx) : m_ctx(ctx) {}

  void rejected(const ingest::Rejection& r) override {
    clear_progress();
    m_ctx.err << "casetrail: rejected " << printable(r.place, 200) << ": " << printable(r.reason, 300)
              << '\n';
  }

  void file_failed(const std::string& /*path*/, const std::string& message) override {
    clear_progress();
    m_ctx.err << "casetrail: error: " << message << '\n';
  }

  void progress(const ingest::ImportProgress& p) override {
    if (!m_ctx.env.err_is_terminal) return;
    const auto now = std::chrono::steady_clock::now();
    if (p.file != m_file) {
      m_file = p.file;
      m_started = now;
    }
    if (now - m_last < std::chrono::milliseconds(200) && p.bytes_read < p.bytes_total) return;
    m_last = now;
    const double seconds = std::chrono::duration<double>(now - m_started).count();
    const double rate = seconds > 0 ? static_cast<double>(p.records) / seconds : 0;
    std::string line = "importing " + printable(p.file, 60) + ": " + thousands(p.records) +
                       " records, " + megabytes(p.bytes_read) + " of " + megabytes(p.bytes_total);
    if (seconds > 0.5) {
      line += ", " + thousands(static_cast<std::uint64_t>(rate)) + " records/s";
      if (p.bytes_read > 0 && p.bytes_read < p.bytes_total) {
        const double eta = seconds * static_cast<double>(p.bytes_total - p.bytes_read) /
                           static_cast<double>(p.bytes_read);
        const auto s = static_cast<long long>(eta + 0.5);
        char text[32];
        std::snprintf(text, sizeof text, ", ETA %lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
        line += text;
      }
    }
    m_ctx.err << "\r" << line << "\x1b[K" << std::flush;
    m_shown = true;
  }

  void clear_progress() {
    if (!m_shown) return;
    m_ctx.err << "\r\x1b[K";
    m_shown = false;
  }

private:
  Context& m_ctx;
  std::string m_file;
  std::chrono::steady_clock::time_point m_started{};
  std::chrono::steady_clock::time_point m_last{};
  bool m_shown = false;
};

// "process 6, image_load 238": kinds in the model's order.
std::string kinds_list(const std::map<std::string, std::int64_t>& counts) {
  std::vector<std::pair<model::Kind, std::int64_t>> ordered;
  for (const auto& [name, n] : counts) ordered.emplace_back(*model::parse_kind(name), n);
  std::sort(ordered.begin(), ordered.end());
  std::string out;
  for (const auto& [kind, n] : ordered) {
    if (!out.empty()) out += ", ";
    out.append(model::to_string(kind)).append(" ").append(std::to_string(n));
  }
  return out;
}

// "Security 4656: 48, Sysmon 2: 1, Sysmon 10: 184": by source, then event id
// as a number.
std::string sources_list(const std::map<std::string, std::int64_t>& counts) {
  std::vector<std::pair<std::string, std::int64_t>> ordered(counts.begin(), counts.end());
  auto split = [](const std::string& s) {
    const auto space = s.rfind(' ');
    const std::string tail = space == std::string::npos ? "" : s.substr(space + 1);
    const bool numeric = !tail.empty() && tail.find_first_not_of("0123456789") == std::string::npos &&
                         tail.size() < 10;
    return numeric ? std::pair{s.substr(0, space), std::stol(tail)} : std::pair{s, -1L};
  };
  std::sort(ordered.begin(), ordered.end(),
            [&](const auto& a, const auto& b) { return split(a.first) < split(b.first); });
  std::string out;
  for (const auto& [name, n] : ordered) {
    out += (out.empty() ? "" : ", ") + name + ": " + std::to_string(n);
  }
  return out;
}

void print_summary(std::ostream& err, const ingest::FileSummary& f) {
  if (f.error) {
    err << "not imported " << printable(f.path, 200) << ": " << printable(*f.error, 300) << '\n';
    return;
  }
  err << "imported " << printable(f.path, 200) << " (" << f.format << ", import run "
      << f.import_run.value_or(0) << ")\n";
  auto line = [&](const char* label, std::int64_t n, const std::string& detail) {
    err << "  " << label << std::string(17 - std::string(label).size(), ' ') << n
        << (detail.empty() ? "" : " (" + detail + ")") << '\n';
  };
  line("read", f.read, "");
  line("imported", f.imported, kinds_list(f.imported_by_kind));
  line("already present", f.already_present, "");
  line("linked pairs", f.linked_pairs, f.linked_pairs ? "Sysmon 1 and Security 4688 as one execution" : "");
  line("skipped", f.skipped, f.skipped ? "by source and event id: " + sources_list(f.skipped_by_source) : "");
  line("rejected", f.rejected, "");
}

nlohmann::json file_json(const ingest::FileSummary& f) {
  nlohmann::json j;
  j["path"] = f.path;
  j["format"] = f.format.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.format);
  j["import_run"] = f.import_run ? nlohmann::json(*f.import_run) : nlohmann::json(nullptr);
  j["sha256"] = f.sha256.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.sha256);
  j["size"] = f.size;
  j["read"] = f.read;
  j["imported"] = f.imported;
  j["imported_by_kind"] = f.imported_by_kind;
  j["already_present"] = f.already_present;
  j["linked_pairs"] = f.linked_pairs;
  j["skipped"] = f.skipped;
  j["skipped_by_source"] = f.skipped_by_source;
  j["rejected"] = f.rejected;
  nlohmann::json rejections = nlohmann::json::array();
  for (const auto& r : f.rejections) {
    nlohmann::json rj;
    // Places and reasons may quote bytes that are not UTF-8.
    rj["place"] = nlohmann::json::parse(
        nlohmann::json(r.place).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    rj["reason"] = nlohmann::json::parse(
        nlohmann::json(r.reason).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    rejections.push_back(std::move(rj));
  }
  j["rejections"] = std::move(rejections);
  j["rejections_listed_max"] = ingest::k_listed_rejections;
  j["warnings"] = f.warnings;
  j["error"] = f.error ? nlohmann::json(*f.error) : nlohmann::json(nullptr);
  return j;
}

std::string formats_help() {
  std::string out = "Input format (default: detected from the content):";
  for (const auto& f : ingest::formats()) out += " " + std::string(f.name) + ",";
  out.pop_back();
  return out;
}

std::string map_help() {
  std::string out = "CSV column to field (repeatable), field one of";
  for (auto f : ingest::csv_map_fields()) out += " " + std::string(f) + ",";
  return out + " attr.NAME";
}

}  // namespace

void setup_import_command(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ImportOptions>();
  auto* cmd = app.add_subcommand(
      "import",
      "Import telemetry files (.evtx, Windows event XML, auditd, flat Windows event JSON, ECS, "
      "CSV) into a case");
  auto& r = opts->request;
  cmd->add_option("--case", opts->case_key, "Case key (default: CASETRAIL_CASE)");
  cmd->add_option("files", r.files, "Files to import")->required();
  auto opt = [cmd](const std::string& name, std::optional<std::string>& target,
                   const std::string& help) {
    cmd->add_option_function<std::string>(name, [&target](const std::string& v) { target = v; },
                                          help);
  };
  opt("--format", r.format, formats_help());
  opt("--kinds", r.kinds,
      "Kinds to take, comma-separated: process, logon, network, file, registry, dns, image_load "
      "(default: all)");
  cmd->add_option("--technique", r.techniques, "ATT&CK technique ID for every record (repeatable)");
  cmd->add_option("--skew", r.skews,
                  "SOURCE=DURATION: correct a source's clock, e.g. Security=+4h (repeatable)");
  opt("--source-tz", r.source_tz, "IANA zone for times the source writes without a zone");
  opt("--host", r.host, "Host for records that name none (auditd without node=, CSV)");
  opt("--rejects", r.rejects, "Write every rejected record verbatim to this file");
  cmd->add_option("--map", r.maps, map_help());
  cmd->callback([&ctx, opts] {
    opts->request.case_key = ctx.case_key(opts->case_key);
    const auto db = ctx.open_db(store::OpenMode::existing);
    CliObserver observer(ctx);
    ingest::ImportActor actor{ctx.analyst(), [&ctx] { return ctx.now(); }};
    const auto summary = ingest::import_files(db, opts->request, actor, observer);
    observer.clear_progress();

    std::int64_t read = 0, imported = 0, present = 0, linked = 0, skipped = 0, rejected = 0;
    for (const auto& f : summary.files) {
      print_summary(ctx.err, f);
      read += f.read;
      imported += f.imported;
      present += f.already_present;
      linked += f.linked_pairs;
      skipped += f.skipped;
      rejected += f.rejected;
    }
    if (summary.files.size() > 1) {
      ctx.err << "total: " << read << " read, " << imported << " imported, " << present
              << " already present, " << linked << " linked pairs, " << skipped << " skipped, "
              << rejected << " rejected\n";
    }
    for (const auto& f : summary.files) {
      for (const auto& w : f.warnings) ctx.warn(w);
    }
    for (const auto& w : summary.warnings) ctx.warn(w);

    switch (summary.outcome()) {
      case ingest::ImportSummary::Outcome::complete: ctx.exit_status = 0; break;
      case ingest::ImportSummary::Outcome::partial: ctx.exit_status = 3; break;
      case ingest::ImportSummary::Outcome::nothing_read: ctx.exit_status = 1; break;
    }
    if (ctx.json) {
      nlohmann::json j;
      j["case"] = summary.case_key;
      nlohmann::json files = nlohmann::json::array();
      for (const auto& f : summary.files) files.push_back(file_json(f));
      j["files"] = std::move(files);
      j["totals"] = {{"read", read},         {"imported", imported}, {"already_present", present},
                     {"linked_pairs", linked}, {"skipped", skipped},   {"rejected", rejected}};
      j["warnings"] = summary.warnings;
      j["exit_status"] = ctx.exit_status;
      ctx.out << j.dump(2) << '\n';
    }
  });
}

}  // namespace casetrail::cli
