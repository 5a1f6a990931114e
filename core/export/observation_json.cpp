#include "core/export/observation_json.hpp"

#include "core/model/corrections.hpp"
#include "core/time/time.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::exporting {
namespace {

// Replaces each invalid UTF-8 sequence by U+FFFD, for display only.
std::string lossy_utf8(const std::string& bytes) {
  return nlohmann::json(bytes).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void put_bytes(nlohmann::json& object, const std::string& key, const std::string& bytes) {
  if (util::is_valid_utf8(bytes)) {
    object[key] = bytes;
    return;
  }
  object[key] = nlohmann::json::parse(lossy_utf8(bytes));
  object[key + "_base64"] = util::base64_encode(bytes);
}

nlohmann::json case_to_json(const model::CaseRecord& c) {
  nlohmann::json j;
  j["key"] = c.key;
  j["title"] = c.title;
  j["severity"] = model::to_string(c.severity);
  j["status"] = model::to_string(c.status);
  j["lead"] = c.lead ? nlohmann::json(*c.lead) : nlohmann::json(nullptr);
  j["time_zone"] = c.time_zone ? nlohmann::json(*c.time_zone) : nlohmann::json(nullptr);
  j["created_at"] = time::format_utc(c.created_at);
  j["created_by"] = c.created_by;
  j["closed_at"] = c.closed_at ? nlohmann::json(time::format_utc(*c.closed_at)) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json observation_to_json(const model::ObservationRecord& r, const date::time_zone* zone) {
  auto opt = [](const auto& v) -> nlohmann::json {
    if (v) return nlohmann::json(*v);
    return nullptr;
  };
  nlohmann::json j;
  j["number"] = r.number;
  j["uuid"] = r.uuid;
  j["kind"] = model::to_string(r.kind);
  j["observed_at"] = time::format_utc(r.observed_at);
  j["observed_at_us"] = r.observed_at.time_since_epoch().count();
  if (zone) j["observed_at_local"] = time::format_in_zone(r.observed_at, zone);
  j["observed_offset"] = r.observed_offset;
  j["observed_text"] = r.observed_text;
  j["time_precision"] = r.time_precision;
  j["time_zone"] = opt(r.time_zone);
  j["time_source"] = r.time_source;
  j["skew_us"] = r.skew ? nlohmann::json(r.skew->count()) : nlohmann::json(nullptr);
  j["host"] = r.host;
  j["host_observed"] = r.host_observed;
  j["host_fqdn"] = opt(r.host_fqdn);
  j["host_platform"] = opt(r.host_platform);
  j["account"] = opt(r.account);
  j["account_observed"] = opt(r.account_observed);
  j["account_sid"] = opt(r.account_sid);
  j["status"] = model::to_string(r.status);
  nlohmann::json techniques = nlohmann::json::array();
  for (const auto& t : r.techniques) {
    nlohmann::json tj;
    tj["id"] = t.id;
    tj["name"] = opt(t.name);
    tj["tactics"] = t.tactics;
    tj["platforms"] = t.platforms;
    tj["outside_host_platform"] = t.outside_host_platform;
    tj["attack_release"] = opt(t.attack_release);
    techniques.push_back(std::move(tj));
  }
  j["techniques"] = std::move(techniques);
  j["source"] = r.source;
  j["source_ref"] = opt(r.source_ref);
  j["import_run"] = opt(r.import_run_id);
  j["analyst"] = r.analyst;
  j["logged_at"] = time::format_utc(r.logged_at);
  j["note"] = opt(r.note);
  j["attrs"] = r.attrs_json ? nlohmann::json::parse(*r.attrs_json) : nlohmann::json::object();
  if (r.process) {
    const auto& p = *r.process;
    j["image"] = opt(p.image);
    if (p.command_line) {
      put_bytes(j, "command_line", *p.command_line);
    } else {
      j["command_line"] = nullptr;
    }
    nlohmann::json args = nullptr;
    if (p.args) {
      args = nlohmann::json::array();
      bool exact = true;
      for (const auto& a : *p.args) {
        exact = exact && util::is_valid_utf8(a);
        args.push_back(nlohmann::json::parse(lossy_utf8(a)));
      }
      if (!exact) {
        nlohmann::json b64 = nlohmann::json::array();
        for (const auto& a : *p.args) b64.push_back(util::base64_encode(a));
        j["args_base64"] = std::move(b64);
      }
    }
    j["args"] = std::move(args);
    j["args_source"] = opt(p.args_source);
    j["pid"] = opt(p.pid);
    j["process_guid"] = opt(p.guid);
    j["parent_image"] = opt(p.parent_image);
    if (p.parent_command_line) {
      put_bytes(j, "parent_command_line", *p.parent_command_line);
    } else {
      j["parent_command_line"] = nullptr;
    }
    j["parent_pid"] = opt(p.parent_pid);
    j["parent_process_guid"] = opt(p.parent_guid);
    j["cwd"] = opt(p.cwd);
    j["logon_id"] = opt(p.logon_id);
    j["integrity_level"] = opt(p.integrity_level);
    j["hashes"] = opt(p.hashes);
    j["process_user"] = opt(p.user);
  }
  // The same execution seen by another source (Sysmon 1 / Security 4688).
  j["same_execution_as"] = r.same_execution_as;
  // Audit values may be command lines: any bytes, like the fields they correct.
  auto put_optional_bytes = [](nlohmann::json& object, const std::string& key,
                               const std::optional<std::string>& bytes) {
    if (bytes) {
      put_bytes(object, key, *bytes);
    } else {
      object[key] = nullptr;
    }
  };
  if (!r.history.empty()) {
    nlohmann::json history = nlohmann::json::array();
    for (const auto& e : r.history) {
      nlohmann::json entry{{"action", e.action}, {"field", opt(e.field)}};
      put_optional_bytes(entry, "old", e.old_value);
      put_optional_bytes(entry, "new", e.new_value);
      put_optional_bytes(entry, "reason", e.reason);
      entry["analyst"] = e.analyst;
      entry["at"] = time::format_utc(e.at);
      history.push_back(std::move(entry));
    }
    j["history"] = std::move(history);
  }
  // Corrections beside the logged values, which stay as they were: the
  // latest value of each corrected field, with the logged one.
  const auto corrections = model::corrections(r);
  if (!corrections.empty()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& c : corrections) {
      nlohmann::json entry;
      put_bytes(entry, "value", c.value);
      put_optional_bytes(entry, "original", c.original);
      entry["analyst"] = c.analyst;
      entry["at"] = time::format_utc(c.at);
      put_optional_bytes(entry, "reason", c.reason);
      object[c.field] = std::move(entry);
    }
    j["corrections"] = std::move(object);
  }
  const auto notes = model::added_notes(r);
  if (!notes.empty()) {
    nlohmann::json array = nlohmann::json::array();
    for (const auto& n : notes) {
      nlohmann::json entry;
      put_bytes(entry, "text", *n.new_value);
      entry["analyst"] = n.analyst;
      entry["at"] = time::format_utc(n.at);
      put_optional_bytes(entry, "reason", n.reason);
      array.push_back(std::move(entry));
    }
    j["notes_added"] = std::move(array);
  }
  return j;
}

}  // namespace casetrail::exporting
