#include "core/export/observation_reader.hpp"

#include "core/export/csv_columns.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::exporting {
namespace {

struct Bad {
  std::string reason;
};

class Fields {
public:
  explicit Fields(const nlohmann::json& j) : m_j(j) {}

  bool has(const char* key) const { return m_j.contains(key); }

  // The exact bytes of a text field: its _base64 twin when present.
  std::optional<std::string> text(const std::string& key) const {
    const auto twin = m_j.find(key + "_base64");
    if (twin != m_j.end() && !twin->is_null()) {
      if (!twin->is_string()) throw Bad{"key " + key + "_base64: expected a string"};
      auto bytes = util::base64_decode(twin->get<std::string>());
      if (!bytes) throw Bad{"key " + key + "_base64: invalid base64"};
      return bytes;
    }
    const auto it = m_j.find(key);
    if (it == m_j.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) throw Bad{"key " + key + ": expected a string"};
    return it->get<std::string>();
  }

  std::string required_text(const std::string& key) const {
    auto v = text(key);
    if (!v || v->empty()) throw Bad{"key " + key + " is missing or empty"};
    return *v;
  }

  std::optional<std::int64_t> integer(const char* key) const {
    const auto it = m_j.find(key);
    if (it == m_j.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer()) throw Bad{"key " + std::string(key) + ": expected an integer"};
    return it->get<std::int64_t>();
  }

private:
  const nlohmann::json& m_j;
};

}  // namespace

bool is_casetrail_record(const nlohmann::json& record) {
  if (!record.is_object()) return false;
  for (const char* key : {"uuid", "observed_at_us", "observed_text", "time_source", "host_observed"}) {
    if (!record.contains(key)) return false;
  }
  return true;
}

Result<model::NewObservation> observation_from_json(const nlohmann::json& record) {
  if (!record.is_object()) return unexpected("expected a JSON object");
  try {
    const Fields f(record);
    model::NewObservation o;
    const std::string kind = f.required_text("kind");
    const auto k = model::parse_kind(kind);
    if (!k) throw Bad{"key kind: unknown kind " + quote(kind)};
    o.kind = *k;

    const auto at = f.integer("observed_at_us");
    if (!at) throw Bad{"key observed_at_us is missing"};
    o.observed.utc = time::UtcTime(time::Micros(*at));
    o.observed.offset_seconds = static_cast<int>(f.integer("observed_offset").value_or(0));
    const auto precision = f.integer("time_precision").value_or(0);
    if (precision < 0 || precision > 6) throw Bad{"key time_precision: expected 0 to 6"};
    o.observed.fraction_digits = static_cast<int>(precision);
    o.observed.zone = f.text("time_zone").value_or("");
    o.observed.form = !o.observed.zone.empty()         ? time::TimeForm::local_zone
                      : o.observed.offset_seconds != 0 ? time::TimeForm::iso_offset
                                                       : time::TimeForm::iso_utc;
    o.observed.original = f.required_text("observed_text");
    if (auto skew = f.integer("skew_us")) o.skew = time::Micros(*skew);
    o.time_source = f.required_text("time_source");

    o.host = f.required_text("host_observed");
    o.host_platform = f.text("host_platform");
    o.account = f.text("account_observed");
    o.account_sid = f.text("account_sid");

    if (const auto it = record.find("techniques"); it != record.end() && !it->is_null()) {
      if (!it->is_array()) throw Bad{"key techniques: expected an array"};
      for (const auto& t : *it) {
        if (!t.is_object() || !t.contains("id") || !t.at("id").is_string()) {
          throw Bad{"key techniques: expected objects with an id"};
        }
        o.techniques.push_back(t.at("id").get<std::string>());
        if (!o.attack_release && t.contains("attack_release") && t.at("attack_release").is_string()) {
          o.attack_release = t.at("attack_release").get<std::string>();
        }
      }
    }

    o.source.name = f.required_text("source");
    o.source.ref = f.text("source_ref");
    if (const auto fp = f.text("fingerprint")) {
      auto bytes = util::hex_decode(*fp);
      if (!bytes || bytes->empty()) throw Bad{"key fingerprint: expected hex digits"};
      o.source.fingerprint = std::move(*bytes);
    } else {
      o.source.fingerprint = csv::exported_identity(f.required_text("uuid"));
    }
    o.note = f.text("note");
    o.raw = f.text("raw");

    if (const auto it = record.find("attrs"); it != record.end() && !it->is_null()) {
      if (!it->is_object()) throw Bad{"key attrs: expected an object"};
      for (const auto& [key, value] : it->items()) {
        if (value.is_string()) {
          o.attrs.emplace_back(key, value.get<std::string>());
        } else if (value.is_object() && value.contains("base64") && value.at("base64").is_string()) {
          auto bytes = util::base64_decode(value.at("base64").get<std::string>());
          if (!bytes) throw Bad{"key attrs: invalid base64 value of " + quote(key)};
          o.attrs.emplace_back(key, std::move(*bytes));
        } else {
          throw Bad{"key attrs: value of " + quote(key) + " is not a string"};
        }
      }
    }

    // The export writes the process keys exactly when there are process
    // details (observation_to_json).
    if (f.has("image")) {
      model::ProcessDetails p;
      p.image = f.text("image");
      p.command_line = f.text("command_line");
      if (const auto twin = record.find("args_base64"); twin != record.end() && !twin->is_null()) {
        if (!twin->is_array()) throw Bad{"key args_base64: expected an array"};
        std::vector<std::string> args;
        for (const auto& a : *twin) {
          auto bytes = a.is_string() ? util::base64_decode(a.get<std::string>()) : std::nullopt;
          if (!bytes) throw Bad{"key args_base64: expected base64 strings"};
          args.push_back(std::move(*bytes));
        }
        p.args = std::move(args);
      } else if (const auto it = record.find("args"); it != record.end() && !it->is_null()) {
        if (!it->is_array()) throw Bad{"key args: expected an array"};
        std::vector<std::string> args;
        for (const auto& a : *it) {
          if (!a.is_string()) throw Bad{"key args: expected strings"};
          args.push_back(a.get<std::string>());
        }
        p.args = std::move(args);
      }
      p.args_source = f.text("args_source");
      p.pid = f.integer("pid");
      p.guid = f.text("process_guid");
      p.parent_image = f.text("parent_image");
      p.parent_command_line = f.text("parent_command_line");
      p.parent_pid = f.integer("parent_pid");
      p.parent_guid = f.text("parent_process_guid");
      p.cwd = f.text("cwd");
      p.logon_id = f.text("logon_id");
      p.integrity_level = f.text("integrity_level");
      p.hashes = f.text("hashes");
      p.user = f.text("process_user");
      o.process = std::move(p);
    }
    return o;
  } catch (const Bad& bad) {
    return unexpected(bad.reason);
  } catch (const nlohmann::json::exception& e) {
    return unexpected(std::string("unexpected JSON: ") + e.what());
  }
}

bool is_casetrail_ecs(const nlohmann::json& document) {
  if (!document.is_object()) return false;
  const auto event = document.find("event");
  const auto ext = document.find("casetrail");
  if (event == document.end() || ext == document.end() || !event->is_object() || !ext->is_object()) {
    return false;
  }
  const auto dataset = event->find("dataset");
  return dataset != event->end() && *dataset == "casetrail.observation" && ext->contains("uuid") &&
         ext->contains("observed_at_us") && ext->contains("observed_text");
}

Result<model::NewObservation> observation_from_ecs(const nlohmann::json& d) {
  if (!is_casetrail_ecs(d)) return unexpected("not a casetrail ECS document");
  try {
    const nlohmann::json& ext = d.at("casetrail");
    // The jsonl record the document stands for.
    nlohmann::json j = nlohmann::json::object();
    for (const char* key : {"uuid", "kind", "observed_at_us", "observed_offset", "observed_text",
                            "time_precision", "time_zone", "time_source", "skew_us", "host_platform",
                            "source", "source_ref", "fingerprint", "note", "attrs", "args_source",
                            "logon_id", "integrity_level", "process_user", "hashes",
                            "command_line_base64", "parent_command_line_base64", "args_base64",
                            "raw_base64"}) {
      if (ext.contains(key)) j[key] = ext.at(key);
    }
    auto at = [](const nlohmann::json& object, std::initializer_list<const char*> path) -> const nlohmann::json* {
      const nlohmann::json* v = &object;
      for (const char* key : path) {
        if (!v->is_object()) return nullptr;
        const auto it = v->find(key);
        if (it == v->end()) return nullptr;
        v = &*it;
      }
      return v;
    };
    if (const auto* name = at(d, {"host", "name"})) j["host_observed"] = *name;
    if (ext.contains("account")) {
      j["account_observed"] = ext.at("account");
      if (ext.contains("account_base64")) j["account_observed_base64"] = ext.at("account_base64");
    } else if (const auto* user = at(d, {"user", "name"})) {
      const auto* domain = at(d, {"user", "domain"});
      j["account_observed"] = domain ? domain->get<std::string>() + "\\" + user->get<std::string>()
                                     : user->get<std::string>();
    }
    if (const auto* sid = at(d, {"user", "id"})) j["account_sid"] = *sid;
    if (const auto* original = at(d, {"event", "original"})) j["raw"] = *original;
    if (const auto it = ext.find("techniques"); it != ext.end()) {
      if (!it->is_array()) throw Bad{"key casetrail.techniques: expected an array"};
      nlohmann::json techniques = nlohmann::json::array();
      for (const auto& id : *it) {
        nlohmann::json t = {{"id", id}};
        if (ext.contains("attack_release")) t["attack_release"] = ext.at("attack_release");
        techniques.push_back(std::move(t));
      }
      j["techniques"] = std::move(techniques);
    }
    // Process details: an ECS process object, or process fields that only
    // the "casetrail" object has (a logon's session id).
    const nlohmann::json* process = at(d, {"process"});
    bool has_process = process != nullptr;
    for (const char* key : {"logon_id", "integrity_level", "process_user", "args_source", "hashes"}) {
      has_process = has_process || ext.contains(key);
    }
    if (has_process) {
      static const nlohmann::json k_none = nlohmann::json::object();
      if (!process) process = &k_none;
      j["image"] = nullptr;  // the process keys are present: there are process details
      auto copy = [&](std::initializer_list<const char*> path, const char* key) {
        if (const auto* v = at(*process, path)) j[key] = *v;
      };
      copy({"executable"}, "image");
      copy({"command_line"}, "command_line");
      copy({"args"}, "args");
      copy({"pid"}, "pid");
      copy({"entity_id"}, "process_guid");
      copy({"working_directory"}, "cwd");
      copy({"parent", "executable"}, "parent_image");
      copy({"parent", "command_line"}, "parent_command_line");
      copy({"parent", "pid"}, "parent_pid");
      copy({"parent", "entity_id"}, "parent_process_guid");
    }
    return observation_from_json(j);
  } catch (const Bad& bad) {
    return unexpected(bad.reason);
  } catch (const nlohmann::json::exception& e) {
    return unexpected(std::string("unexpected JSON: ") + e.what());
  }
}

}  // namespace casetrail::exporting
