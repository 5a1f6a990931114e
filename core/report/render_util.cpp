#include "core/report/render_util.hpp"

#include "core/attack/tactics.hpp"

namespace casetrail::report {

std::string local_time(const ReportModel& m, time::UtcTime t) {
  return m.zone ? time::format_in_zone(t, m.zone) : time::format_utc(t);
}

std::string utc_time(time::UtcTime t) { return time::format_utc(t); }

std::string status_text(model::Status s) {
  return s == model::Status::false_positive ? "false positive" : std::string(model::to_string(s));
}

std::string techniques_text(const Row& row) {
  std::string out;
  for (const auto& t : row.techniques) {
    if (!out.empty()) out += "; ";
    out += t.id;
    if (t.name) out += " " + *t.name;
  }
  return out.empty() ? "-" : out;
}

namespace {
template <typename C>
std::string join_items(const C& items, std::size_t limit) {
  std::string out;
  std::size_t n = 0;
  for (const auto& i : items) {
    if (n == limit) {
      out += " and " + std::to_string(items.size() - limit) + " more";
      break;
    }
    if (!out.empty()) out += ", ";
    out += i;
    ++n;
  }
  return out.empty() ? "-" : out;
}
}  // namespace

std::string join(const std::set<std::string>& items, std::size_t limit) { return join_items(items, limit); }
std::string join(const std::vector<std::string>& items, std::size_t limit) {
  return join_items(items, limit);
}

std::string change_text(const model::AuditEntry& e) {
  std::string text = time::format_utc(e.at) + " " + e.analyst + ": " + e.action;
  if (e.field && *e.field != e.action) text += " " + *e.field;
  text += " " + e.old_value.value_or("-") + " -> " + e.new_value.value_or("-");
  if (e.reason) text += " (" + *e.reason + ")";
  return text;
}

std::string counts_text(const ReportModel& m) {
  auto n = [&](model::Status s) { return m.by_status[static_cast<std::size_t>(s)]; };
  return std::to_string(m.observations) + " observation" + (m.observations == 1 ? "" : "s") + ": " +
         std::to_string(n(model::Status::verified)) + " verified, " +
         std::to_string(n(model::Status::unverified)) + " unverified, " +
         std::to_string(n(model::Status::benign)) + " benign, " +
         std::to_string(n(model::Status::false_positive)) + " false positive";
}

std::string rest_text(const RowList& list, const std::string& export_hint) {
  const auto shown = static_cast<std::int64_t>(list.rows.size());
  if (list.total <= shown) return {};
  return "Showing " + std::to_string(shown) + " of " + std::to_string(list.total) +
         "; all of them: " + export_hint;
}

std::string tactic_name(const ReportModel& m, const std::string& shortname) {
  for (const auto& g : m.kill_chain) {
    if (g.tactic && g.tactic->shortname == shortname) return g.tactic->name;
  }
  if (auto t = attack::find_tactic(attack::enterprise_tactics(), shortname)) return t->name;
  return shortname == "none" ? "no technique" : shortname;
}

}  // namespace casetrail::report
