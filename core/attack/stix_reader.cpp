#include "core/attack/stix_reader.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>

#include "core/attack/tactics.hpp"
#include "core/attack/technique_check.hpp"
#include "core/error.hpp"
#include "core/util/encoding.hpp"

// The bundle is read with simdjson's On-Demand API over the file loaded once
// (https://github.com/simdjson/simdjson/blob/master/doc/ondemand.md): no DOM
// of the 45 MB enterprise-attack.json is built, only the fields the
// catalogue needs are copied out. On-Demand checks only what it is asked to
// read, so every value the catalogue does not need is walked by skip(),
// which reads it fully: a file that is not valid JSON is refused wherever
// the fault is.

namespace casetrail::attack {
namespace {

namespace od = simdjson::ondemand;
using std::string_view;

bool is_tactic_id(string_view id) {
  if (id.size() != 6 || id.substr(0, 2) != "TA") return false;
  return std::all_of(id.begin() + 2, id.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string strip_final_period(std::string text) {
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// The types the catalogue reads; problems in any other object do not matter.
bool is_catalogue_type(string_view type) {
  return type == "attack-pattern" || type == "x-mitre-tactic" || type == "x-mitre-matrix" ||
         type == "relationship" || type == "x-mitre-detection-strategy" ||
         type == "x-mitre-analytic" || type == "x-mitre-data-component" ||
         type == "x-mitre-collection";
}

// Relationships the catalogue follows.
bool is_catalogue_relationship(string_view type) {
  return type == "revoked-by" || type == "detects" || type == "subtechnique-of";
}

struct LogSourceRef {
  std::optional<string_view> component_ref;
  std::optional<string_view> name;
  std::optional<string_view> channel;
};

// The fields of one object that the catalogue may need, as views into the
// parser's buffers (valid while the parser and the loaded file live).
struct RawObject {
  std::size_t index = 0;  // position in "objects", for objects without an id
  std::optional<string_view> type;
  std::optional<string_view> id;
  std::optional<string_view> spec_version;
  std::optional<string_view> name;
  std::optional<string_view> description;
  std::optional<string_view> modified;
  std::optional<string_view> shortname;
  std::optional<string_view> version;
  std::optional<string_view> relationship_type;
  std::optional<string_view> source_ref;
  std::optional<string_view> target_ref;
  std::optional<string_view> attack_id;  // external_references: source_name mitre-attack
  bool revoked = false;
  bool deprecated = false;
  bool has_tactic_refs = false;
  std::vector<string_view> phases;  // kill_chain_phases of kill chain mitre-attack
  std::vector<string_view> platforms;
  std::vector<string_view> tactic_refs;
  std::vector<string_view> analytic_refs;
  std::vector<string_view> data_sources;
  std::vector<LogSourceRef> log_sources;
  std::string problem;  // the first field of the wrong shape, reported once the id is known

  void reset(std::size_t i) {
    index = i;
    type = id = spec_version = name = description = modified = shortname = version =
        relationship_type = source_ref = target_ref = attack_id = std::nullopt;
    revoked = deprecated = has_tactic_refs = false;
    phases.clear();
    platforms.clear();
    tactic_refs.clear();
    analytic_refs.clear();
    data_sources.clear();
    log_sources.clear();
    problem.clear();
  }

  void note(string_view key, string_view expected) {
    if (problem.empty()) problem = "\"" + std::string(key) + "\" is not " + std::string(expected);
  }
};

struct RawTechnique {
  string_view stix_id;
  string_view attack_id;
  string_view name;
  string_view description;
  std::optional<string_view> version;
  std::optional<time::UtcTime> modified;
  bool revoked = false;
  bool deprecated = false;
  std::vector<string_view> phases;
  std::vector<string_view> platforms;
  std::vector<string_view> data_sources;
};

struct RawTactic {
  string_view stix_id;
  string_view attack_id;
  string_view shortname;
  string_view name;
  string_view description;
};

struct RawRelationship {
  string_view id;
  string_view type;
  string_view source;
  string_view target;
  time::UtcTime modified{};
};

struct RawComponent {
  std::optional<string_view> attack_id;
  string_view name;
};

struct RawAnalytic {
  bool retired = false;  // revoked or deprecated: its log sources are not followed
  std::vector<LogSourceRef> log_sources;
};

struct RawStrategy {
  bool retired = false;
  std::vector<string_view> analytic_refs;
};

class BundleReader {
 public:
  BundleReader(const std::string& name, const simdjson::padded_string& json)
      : m_name(name), m_json(json) {}

  model::AttackCatalogue read(const std::optional<std::string>& attack_version);

 private:
  [[noreturn]] void fail(const std::string& reason) const {
    throw Error(ErrorCode::invalid_input,
                "invalid ATT&CK bundle " + quote(m_name, 200) + ": " + reason);
  }
  // `at`: where the faulty value starts, when known; else where the parser is.
  [[noreturn]] void json_error(simdjson::error_code e, const char* at = nullptr);
  void check(simdjson::error_code e) {
    if (e != simdjson::SUCCESS) json_error(e);
  }
  // For a scalar: the error is placed at the start of its token.
  void check(simdjson::error_code e, od::value& v) {
    if (e != simdjson::SUCCESS) json_error(e, v.raw_json_token().data());
  }
  [[noreturn]] void object_error(const RawObject& raw, const std::string& what) const {
    fail(describe(raw) + ": " + what);
  }
  static std::string describe(const RawObject& raw) {
    if (!raw.id) {
      return "object " + std::to_string(raw.index + 1) + " of \"objects\"" +
             (raw.type ? " (" + quote(*raw.type, 60) + ")" : "");
    }
    std::string text = "object " + quote(*raw.id, 120);
    if (raw.attack_id && (is_technique_id(*raw.attack_id) || is_tactic_id(*raw.attack_id))) {
      text += " (" + std::string(*raw.attack_id) + ")";
    }
    return text;
  }

  void skip(od::value v);
  void read_root();
  void read_object(od::object object, RawObject& raw);
  void string_field(od::value v, string_view key, std::optional<string_view>& out, RawObject& raw);
  void bool_field(od::value v, string_view key, bool& out, RawObject& raw);
  void string_array(od::value v, string_view key, std::vector<string_view>& out, RawObject& raw);
  void external_references(od::value v, RawObject& raw);
  void kill_chain_phases(od::value v, RawObject& raw);
  void log_source_references(od::value v, RawObject& raw);
  void keep(RawObject& raw);

  model::AttackCatalogue build(const std::optional<std::string>& attack_version);

  const std::string& m_name;
  const simdjson::padded_string& m_json;
  od::parser m_parser;
  od::document m_doc;
  bool m_iterating = false;  // m_doc is valid

  std::optional<string_view> m_bundle_type;
  std::optional<string_view> m_bundle_spec_version;
  bool m_has_objects = false;
  std::optional<string_view> m_object_spec_version;
  std::optional<string_view> m_collection_version;
  std::optional<time::UtcTime> m_newest_modified;
  std::vector<RawTechnique> m_techniques;
  std::vector<RawTactic> m_tactics;
  std::set<string_view> m_retired_tactics;
  std::vector<std::pair<string_view, std::vector<string_view>>> m_matrices;  // id, tactic_refs
  std::vector<RawRelationship> m_relationships;
  std::unordered_map<string_view, RawStrategy> m_strategies;
  std::unordered_map<string_view, RawAnalytic> m_analytics;
  std::unordered_map<string_view, RawComponent> m_components;
};

void BundleReader::json_error(simdjson::error_code e, const char* at) {
  switch (e) {
    case simdjson::EMPTY: fail("the file is empty");
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
    case simdjson::UNCLOSED_STRING:
      fail("the JSON ends early, inside an object, array or string (truncated file?)");
    default: break;
  }
  std::string reason;
  switch (e) {
    case simdjson::TAPE_ERROR: reason = "unexpected character or misplaced , : [ ] { }"; break;
    case simdjson::INCORRECT_TYPE:
    case simdjson::N_ATOM_ERROR:
    case simdjson::T_ATOM_ERROR:
    case simdjson::F_ATOM_ERROR: reason = "invalid literal (expected true, false or null)"; break;
    case simdjson::NUMBER_ERROR: reason = "invalid number"; break;
    case simdjson::STRING_ERROR: reason = "invalid string escape"; break;
    case simdjson::UTF8_ERROR: reason = "invalid UTF-8"; break;
    case simdjson::DEPTH_ERROR: reason = "nested too deeply"; break;
    default: reason = strip_final_period(simdjson::error_message(e)); break;
  }
  const char* location = at;
  if (location == nullptr && m_iterating &&
      m_doc.current_location().get(location) != simdjson::SUCCESS) {
    location = nullptr;
  }
  if (location != nullptr && location >= m_json.data() &&
      location <= m_json.data() + m_json.size()) {
    fail("not valid JSON at byte " + std::to_string(location - m_json.data()) + ": " + reason);
  }
  fail("not valid JSON: " + reason);
}

// Reads a value the catalogue does not need, checking that it is valid JSON.
void BundleReader::skip(od::value v) {
  od::json_type type;
  check(v.type().get(type), v);
  switch (type) {
    case od::json_type::object: {
      od::object object;
      check(v.get_object().get(object));
      for (auto f : object) {
        od::field field;
        check(std::move(f).get(field));
        string_view key;
        check(field.unescaped_key().get(key));
        skip(field.value());
      }
      break;
    }
    case od::json_type::array: {
      od::array array;
      check(v.get_array().get(array));
      for (auto e : array) {
        od::value element;
        check(std::move(e).get(element));
        skip(element);
      }
      break;
    }
    case od::json_type::string: {
      string_view s;
      check(v.get_string().get(s), v);
      break;
    }
    case od::json_type::number: {
      od::number n;
      check(v.get_number().get(n), v);
      break;
    }
    case od::json_type::boolean: {
      bool b = false;
      check(v.get_bool().get(b), v);
      break;
    }
    case od::json_type::null: {
      bool null = false;
      check(v.is_null().get(null), v);
      if (!null) json_error(simdjson::N_ATOM_ERROR, v.raw_json_token().data());
      break;
    }
  }
}

void BundleReader::string_field(od::value v, string_view key, std::optional<string_view>& out,
                                RawObject& raw) {
  string_view s;
  const auto e = v.get_string().get(s);
  if (e == simdjson::INCORRECT_TYPE) {
    raw.note(key, "a string");
    skip(v);
    return;
  }
  check(e, v);
  out = s;
}

void BundleReader::bool_field(od::value v, string_view key, bool& out, RawObject& raw) {
  bool b = false;
  const auto e = v.get_bool().get(b);
  if (e == simdjson::INCORRECT_TYPE) {
    raw.note(key, "true or false");
    skip(v);
    return;
  }
  check(e, v);
  out = b;
}

void BundleReader::string_array(od::value v, string_view key, std::vector<string_view>& out,
                                RawObject& raw) {
  od::array array;
  const auto e = v.get_array().get(array);
  if (e == simdjson::INCORRECT_TYPE) {
    raw.note(key, "an array of strings");
    skip(v);
    return;
  }
  check(e);
  for (auto item : array) {
    od::value element;
    check(std::move(item).get(element));
    string_view s;
    const auto se = element.get_string().get(s);
    if (se == simdjson::INCORRECT_TYPE) {
      raw.note(key, "an array of strings");
      skip(element);
      continue;
    }
    check(se, element);
    out.push_back(s);
  }
}

// The ATT&CK ID is the external reference whose source_name is mitre-attack
// (https://github.com/mitre-attack/attack-stix-data/blob/master/USAGE.md#the-attck-data-model).
void BundleReader::external_references(od::value v, RawObject& raw) {
  od::array array;
  const auto e = v.get_array().get(array);
  if (e == simdjson::INCORRECT_TYPE) {
    raw.note("external_references", "an array of objects");
    skip(v);
    return;
  }
  check(e);
  for (auto item : array) {
    od::value element;
    check(std::move(item).get(element));
    od::object reference;
    const auto oe = element.get_object().get(reference);
    if (oe == simdjson::INCORRECT_TYPE) {
      raw.note("external_references", "an array of objects");
      skip(element);
      continue;
    }
    check(oe);
    std::optional<string_view> source_name;
    std::optional<string_view> external_id;
    for (auto f : reference) {
      od::field field;
      check(std::move(f).get(field));
      string_view key;
      check(field.unescaped_key().get(key));
      if (key == "source_name") {
        string_field(field.value(), "external_references", source_name, raw);
      } else if (key == "external_id") {
        string_field(field.value(), "external_references", external_id, raw);
      } else {
        skip(field.value());
      }
    }
    if (source_name == "mitre-attack" && external_id && !raw.attack_id) raw.attack_id = external_id;
  }
}

// A technique's tactics: kill_chain_phases[].phase_name of the kill chain
// "mitre-attack" is the tactic's x_mitre_shortname.
void BundleReader::kill_chain_phases(od::value v, RawObject& raw) {
  od::array array;
  const auto e = v.get_array().get(array);
  if (e == simdjson::INCORRECT_TYPE) {
    raw.note("kill_chain_phases", "an array of objects");
    skip(v);
    return;
  }
  check(e);
  for (auto item : array) {
    od::value element;
    check(std::move(item).get(element));
    od::object phase;
    const auto oe = element.get_object().get(phase);
    if (oe == simdjson::INCORRECT_TYPE) {
      raw.note("kill_chain_phases", "an array of objects");
      skip(element);
      continue;
    }
    check(oe);
    std::optional<string_view> chain;
    std::optional<string_view> phase_name;
    for (auto f : phase) {
      od::field field;
      check(std::move(f).get(field));
      string_view key;
      check(field.unescaped_key().get(key));
      if (key == "kill_chain_name") {
        string_field(field.value(), "kill_chain_phases", chain, raw);
      } else if (key == "phase_name") {
        string_field(field.value(), "kill_chain_phases", phase_name, raw);
      } else {
        skip(field.value());
      }
    }
    if (chain == "mitre-attack" && phase_name) raw.phases.push_back(*phase_name);
  }
}

void BundleReader::log_source_references(od::value v, RawObject& raw) {
  od::array array;
  const auto e = v.get_array().get(array);
  if (e == simdjson::INCORRECT_TYPE) {
    raw.note("x_mitre_log_source_references", "an array of objects");
    skip(v);
    return;
  }
  check(e);
  for (auto item : array) {
    od::value element;
    check(std::move(item).get(element));
    od::object reference;
    const auto oe = element.get_object().get(reference);
    if (oe == simdjson::INCORRECT_TYPE) {
      raw.note("x_mitre_log_source_references", "an array of objects");
      skip(element);
      continue;
    }
    check(oe);
    LogSourceRef ref;
    for (auto f : reference) {
      od::field field;
      check(std::move(f).get(field));
      string_view key;
      check(field.unescaped_key().get(key));
      if (key == "x_mitre_data_component_ref") {
        string_field(field.value(), "x_mitre_log_source_references", ref.component_ref, raw);
      } else if (key == "name") {
        string_field(field.value(), "x_mitre_log_source_references", ref.name, raw);
      } else if (key == "channel") {
        string_field(field.value(), "x_mitre_log_source_references", ref.channel, raw);
      } else {
        skip(field.value());
      }
    }
    raw.log_sources.push_back(ref);
  }
}

void BundleReader::read_object(od::object object, RawObject& raw) {
  for (auto f : object) {
    od::field field;
    check(std::move(f).get(field));
    string_view key;
    check(field.unescaped_key().get(key));
    od::value value = field.value();
    // Long texts are copied only for the objects that keep them; "type"
    // comes first in MITRE's files, and when it does not, they are kept.
    const bool wants_text =
        !raw.type || *raw.type == "attack-pattern" || *raw.type == "x-mitre-tactic";
    if (key == "type") {
      string_field(value, key, raw.type, raw);
    } else if (key == "id") {
      string_field(value, key, raw.id, raw);
    } else if (key == "spec_version") {
      string_field(value, key, raw.spec_version, raw);
    } else if (key == "name") {
      string_field(value, key, raw.name, raw);
    } else if (key == "description" && wants_text) {
      string_field(value, key, raw.description, raw);
    } else if (key == "modified") {
      string_field(value, key, raw.modified, raw);
    } else if (key == "revoked") {
      bool_field(value, key, raw.revoked, raw);
    } else if (key == "x_mitre_deprecated") {
      bool_field(value, key, raw.deprecated, raw);
    } else if (key == "x_mitre_version") {
      string_field(value, key, raw.version, raw);
    } else if (key == "x_mitre_shortname") {
      string_field(value, key, raw.shortname, raw);
    } else if (key == "relationship_type") {
      string_field(value, key, raw.relationship_type, raw);
    } else if (key == "source_ref") {
      string_field(value, key, raw.source_ref, raw);
    } else if (key == "target_ref") {
      string_field(value, key, raw.target_ref, raw);
    } else if (key == "external_references") {
      external_references(value, raw);
    } else if (key == "kill_chain_phases") {
      kill_chain_phases(value, raw);
    } else if (key == "x_mitre_platforms") {
      string_array(value, key, raw.platforms, raw);
    } else if (key == "tactic_refs") {
      raw.has_tactic_refs = true;
      string_array(value, key, raw.tactic_refs, raw);
    } else if (key == "x_mitre_analytic_refs") {
      string_array(value, key, raw.analytic_refs, raw);
    } else if (key == "x_mitre_data_sources") {
      string_array(value, key, raw.data_sources, raw);
    } else if (key == "x_mitre_log_source_references") {
      log_source_references(value, raw);
    } else {
      skip(value);
    }
  }
}

void BundleReader::read_root() {
  check(m_parser.iterate(m_json).get(m_doc));
  m_iterating = true;
  od::json_type type;
  check(m_doc.type().get(type));
  if (type != od::json_type::object) {
    fail("not a STIX bundle: the file holds a JSON " +
         std::string(type == od::json_type::array ? "array" : "value") +
         ", not an object with \"type\": \"bundle\"");
  }
  od::object root;
  check(m_doc.get_object().get(root));
  RawObject bundle;
  RawObject raw;
  std::size_t index = 0;
  for (auto f : root) {
    od::field field;
    check(std::move(f).get(field));
    string_view key;
    check(field.unescaped_key().get(key));
    od::value value = field.value();
    if (key == "type") {
      string_field(value, key, m_bundle_type, bundle);
    } else if (key == "spec_version") {
      string_field(value, key, m_bundle_spec_version, bundle);
    } else if (key == "objects") {
      od::array objects;
      const auto e = value.get_array().get(objects);
      if (e == simdjson::INCORRECT_TYPE) fail("not a STIX bundle: \"objects\" is not an array");
      check(e);
      m_has_objects = true;
      for (auto item : objects) {
        od::value element;
        check(std::move(item).get(element));
        od::object object;
        const auto oe = element.get_object().get(object);
        if (oe == simdjson::INCORRECT_TYPE) {
          fail("object " + std::to_string(index + 1) + " of \"objects\" is not a JSON object");
        }
        check(oe);
        raw.reset(index++);
        read_object(object, raw);
        keep(raw);
      }
    } else {
      skip(value);
    }
  }
  // Anything after the bundle's closing brace is not part of one JSON text.
  const char* trailing = nullptr;
  if (m_doc.current_location().get(trailing) == simdjson::SUCCESS) {
    fail("not valid JSON at byte " + std::to_string(trailing - m_json.data()) +
         ": text after the end of the bundle");
  }
  if (m_bundle_type != "bundle" || !m_has_objects) {
    fail(
        "not a STIX bundle: expected an object with \"type\": \"bundle\" and an \"objects\" array");
  }
  if (!bundle.problem.empty()) fail("the bundle's " + bundle.problem);
}

// Checks one object's fields and keeps what the catalogue needs from it.
void BundleReader::keep(RawObject& raw) {
  if (!raw.type) {
    if (!raw.problem.empty()) object_error(raw, raw.problem);
    object_error(raw, "no \"type\"");
  }
  const string_view type = *raw.type;
  const bool wanted =
      is_catalogue_type(type) &&
      (type != "relationship" ||
       (raw.relationship_type && is_catalogue_relationship(*raw.relationship_type)));
  if (!raw.id) {
    if (wanted) object_error(raw, "no \"id\"");
    return;
  }
  if (!m_object_spec_version && raw.spec_version) m_object_spec_version = raw.spec_version;
  std::optional<time::UtcTime> modified;
  if (raw.modified) {
    auto parsed = time::parse_time(*raw.modified);
    if (parsed) {
      modified = parsed->utc;
      if (!m_newest_modified || *modified > *m_newest_modified) m_newest_modified = modified;
    } else if (wanted) {
      object_error(raw, "invalid \"modified\" " + quote(*raw.modified, 40) + ": " + parsed.error());
    }
  }
  if (!wanted) return;
  if (!raw.problem.empty()) object_error(raw, raw.problem);
  auto require = [&](const std::optional<string_view>& field, const char* key) {
    if (!field || field->empty()) object_error(raw, std::string("no \"") + key + "\"");
  };

  if (type == "attack-pattern") {
    if (!raw.attack_id) {
      object_error(raw,
                   "no ATT&CK ID (an \"external_references\" entry with \"source_name\": "
                   "\"mitre-attack\" and an \"external_id\")");
    }
    if (!is_technique_id(*raw.attack_id)) {
      object_error(raw, "ATT&CK ID " + quote(*raw.attack_id, 40) +
                            " is not a technique ID such as T1059 or T1059.001");
    }
    require(raw.name, "name");
    RawTechnique t;
    t.stix_id = *raw.id;
    t.attack_id = *raw.attack_id;
    t.name = *raw.name;
    t.description = raw.description.value_or("");
    t.version = raw.version;
    t.modified = modified;
    t.revoked = raw.revoked;
    t.deprecated = raw.deprecated;
    t.phases = raw.phases;
    t.platforms = raw.platforms;
    t.data_sources = raw.data_sources;
    m_techniques.push_back(std::move(t));
  } else if (type == "x-mitre-tactic") {
    if (raw.revoked || raw.deprecated) {
      m_retired_tactics.insert(*raw.id);
      return;
    }
    if (!raw.attack_id) {
      object_error(raw,
                   "no ATT&CK ID (an \"external_references\" entry with \"source_name\": "
                   "\"mitre-attack\" and an \"external_id\")");
    }
    if (!is_tactic_id(*raw.attack_id)) {
      object_error(raw,
                   "ATT&CK ID " + quote(*raw.attack_id, 40) + " is not a tactic ID such as TA0043");
    }
    require(raw.name, "name");
    require(raw.shortname, "x_mitre_shortname");
    m_tactics.push_back(
        {*raw.id, *raw.attack_id, *raw.shortname, *raw.name, raw.description.value_or("")});
  } else if (type == "x-mitre-matrix") {
    if (raw.revoked || raw.deprecated) return;
    if (!raw.has_tactic_refs) object_error(raw, "no \"tactic_refs\"");
    m_matrices.emplace_back(*raw.id, raw.tactic_refs);
  } else if (type == "relationship") {
    if (raw.revoked || raw.deprecated) return;
    require(raw.source_ref, "source_ref");
    require(raw.target_ref, "target_ref");
    m_relationships.push_back({*raw.id, *raw.relationship_type, *raw.source_ref, *raw.target_ref,
                               modified.value_or(time::UtcTime{})});
  } else if (type == "x-mitre-detection-strategy") {
    m_strategies[*raw.id] = {raw.revoked || raw.deprecated, raw.analytic_refs};
  } else if (type == "x-mitre-analytic") {
    for (std::size_t i = 0; i < raw.log_sources.size(); ++i) {
      const LogSourceRef& ref = raw.log_sources[i];
      const std::string entry = "\"x_mitre_log_source_references\" entry " + std::to_string(i + 1);
      if (!ref.component_ref) object_error(raw, entry + " has no \"x_mitre_data_component_ref\"");
      if (!ref.name) object_error(raw, entry + " has no \"name\"");
      if (!ref.channel) object_error(raw, entry + " has no \"channel\"");
    }
    m_analytics[*raw.id] = {raw.revoked || raw.deprecated, raw.log_sources};
  } else if (type == "x-mitre-data-component") {
    require(raw.name, "name");
    m_components[*raw.id] = {raw.attack_id, *raw.name};
  } else if (type == "x-mitre-collection") {
    if (!m_collection_version && raw.version) m_collection_version = raw.version;
  }
}

std::string to_string(string_view v) { return std::string(v); }

// "18.1" or "v18.1" -> "18.1": digits separated by single dots.
std::optional<std::string> parse_attack_version(string_view text) {
  string_view v = text;
  if (!v.empty() && (v[0] == 'v' || v[0] == 'V')) v.remove_prefix(1);
  bool ok = !v.empty() && v.front() != '.' && v.back() != '.';
  for (std::size_t i = 0; ok && i < v.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(v[i])) != 0;
    ok = digit || (v[i] == '.' && v[i - 1] != '.');
  }
  if (!ok) return std::nullopt;
  return std::string(v);
}

// Splits a v17 data source string: "Process: Process Creation".
model::AttackLogSource data_source_string(string_view text) {
  model::AttackLogSource source;
  const auto colon = text.find(": ");
  if (colon == string_view::npos) {
    source.data_component = text;
  } else {
    source.data_source = std::string(text.substr(0, colon));
    source.data_component = text.substr(colon + 2);
  }
  return source;
}

model::AttackCatalogue BundleReader::build(const std::optional<std::string>& attack_version) {
  model::AttackCatalogue catalogue;
  model::AttackRelease& release = catalogue.release;
  release.spec_version =
      to_string(m_bundle_spec_version.value_or(m_object_spec_version.value_or("unknown")));
  if (m_collection_version) {
    const auto version = parse_attack_version(*m_collection_version);
    if (!version) {
      fail("the x-mitre-collection's \"x_mitre_version\" " + quote(*m_collection_version, 40) +
           " is not a release number such as 18.1");
    }
    release.version = *version;
    release.version_source = model::AttackVersionSource::collection;
    if (attack_version && *attack_version != release.version) {
      throw invalid_value("--attack-version", *attack_version,
                          "the file's x-mitre-collection says release " + release.version);
    }
  } else if (attack_version) {
    release.version = *attack_version;
    release.version_source = model::AttackVersionSource::option;
  } else {
    release.version = "unknown";
    release.version_source = model::AttackVersionSource::unknown;
  }
  release.newest_modified = m_newest_modified.value_or(time::UtcTime{});

  // Tactics, in the order of the first matrix's tactic_refs; tactics no
  // matrix lists follow in the built-in order, then by ID.
  std::unordered_map<string_view, const RawTactic*> tactic_by_stix;
  std::map<std::string, string_view> tactic_stix_by_shortname;
  for (const RawTactic& t : m_tactics) {
    tactic_by_stix[t.stix_id] = &t;
    auto [it, inserted] = tactic_stix_by_shortname.emplace(std::string(t.shortname), t.stix_id);
    if (!inserted) {
      fail("objects " + quote(it->second, 120) + " and " + quote(t.stix_id, 120) +
           " are both the tactic " + quote(t.shortname, 60));
    }
  }
  std::vector<const RawTactic*> ordered;
  std::set<string_view> placed;
  if (!m_matrices.empty()) {
    const auto& [matrix_id, refs] = m_matrices.front();
    for (string_view ref : refs) {
      auto it = tactic_by_stix.find(ref);
      if (it == tactic_by_stix.end()) {
        if (m_retired_tactics.count(ref) != 0) continue;
        fail("object " + quote(matrix_id, 120) + ": \"tactic_refs\" names " + quote(ref, 120) +
             ", which is not an x-mitre-tactic of the file");
      }
      if (placed.insert(ref).second) ordered.push_back(it->second);
    }
  }
  std::vector<const RawTactic*> rest;
  for (const RawTactic& t : m_tactics) {
    if (placed.count(t.stix_id) == 0) rest.push_back(&t);
  }
  auto builtin_rank = [](string_view id) {
    const auto& builtin = enterprise_tactics();
    for (std::size_t i = 0; i < builtin.size(); ++i) {
      if (builtin[i].id == id) return static_cast<int>(i);
    }
    return static_cast<int>(builtin.size());
  };
  std::sort(rest.begin(), rest.end(), [&](const RawTactic* a, const RawTactic* b) {
    return std::pair(builtin_rank(a->attack_id), a->attack_id) <
           std::pair(builtin_rank(b->attack_id), b->attack_id);
  });
  ordered.insert(ordered.end(), rest.begin(), rest.end());
  std::map<std::string, int, std::less<>> tactic_order;
  for (const RawTactic* t : ordered) {
    const int order = static_cast<int>(catalogue.tactics.size()) + 1;
    catalogue.tactics.push_back({to_string(t->attack_id), to_string(t->shortname),
                                 to_string(t->name), to_string(t->description), order});
    tactic_order[std::string(t->shortname)] = order;
  }

  // Techniques by ATT&CK ID. Should two objects carry the same ID, the one
  // in use wins (not revoked, then not deprecated, then the newest).
  std::map<string_view, const RawTechnique*> by_attack_id;
  for (const RawTechnique& t : m_techniques) {
    auto [it, inserted] = by_attack_id.emplace(t.attack_id, &t);
    if (inserted) continue;
    const RawTechnique* held = it->second;
    auto rank = [](const RawTechnique* x) {
      return std::tuple(!x->revoked, !x->deprecated, x->modified.value_or(time::UtcTime{}));
    };
    if (rank(&t) > rank(held)) it->second = &t;
  }
  if (by_attack_id.empty()) {
    fail(
        "no ATT&CK technique in the file (no attack-pattern with a mitre-attack ID): "
        "not an ATT&CK bundle");
  }
  std::unordered_map<string_view, string_view> attack_id_by_stix;
  for (const RawTechnique& t : m_techniques) attack_id_by_stix[t.stix_id] = t.attack_id;

  auto technique_error = [&](const RawTechnique& t, const std::string& what) {
    fail("object " + quote(t.stix_id, 120) + " (" + std::string(t.attack_id) + "): " + what);
  };

  // revoked-by: the newest relationship per revoked technique.
  std::unordered_map<string_view, const RawRelationship*> revoked_by;
  for (const RawRelationship& r : m_relationships) {
    if (r.type != "revoked-by" || attack_id_by_stix.count(r.source) == 0) continue;
    if (attack_id_by_stix.count(r.target) == 0) {
      fail("object " + quote(r.id, 120) + " (revoked-by " +
           std::string(attack_id_by_stix[r.source]) + "): \"target_ref\" " + quote(r.target, 120) +
           " is not an attack-pattern of the file");
    }
    auto [it, inserted] = revoked_by.emplace(r.source, &r);
    if (!inserted && r.modified > it->second->modified) it->second = &r;
  }

  // Log sources through v18's detection chain: technique <- detects <-
  // x-mitre-detection-strategy -> x_mitre_analytic_refs -> x-mitre-analytic
  // -> x_mitre_log_source_references -> x-mitre-data-component
  // (https://attack.mitre.org/resources/changelogs/ v18).
  std::unordered_map<string_view, std::vector<model::AttackLogSource>> log_sources;
  for (const RawRelationship& r : m_relationships) {
    if (r.type != "detects" || r.source.substr(0, 28) != "x-mitre-detection-strategy--") continue;
    auto target = attack_id_by_stix.find(r.target);
    if (target == attack_id_by_stix.end()) {
      fail("object " + quote(r.id, 120) + " (detects): \"target_ref\" " + quote(r.target, 120) +
           " is not an attack-pattern of the file");
    }
    auto strategy = m_strategies.find(r.source);
    if (strategy == m_strategies.end()) {
      fail("object " + quote(r.id, 120) + " (detects): \"source_ref\" " + quote(r.source, 120) +
           " is not an x-mitre-detection-strategy of the file");
    }
    if (strategy->second.retired) continue;
    auto& sources = log_sources[target->second];
    for (string_view analytic_ref : strategy->second.analytic_refs) {
      auto analytic = m_analytics.find(analytic_ref);
      if (analytic == m_analytics.end()) {
        fail("object " + quote(r.source, 120) + ": \"x_mitre_analytic_refs\" names " +
             quote(analytic_ref, 120) + ", which is not an x-mitre-analytic of the file");
      }
      if (analytic->second.retired) continue;
      for (const LogSourceRef& ref : analytic->second.log_sources) {
        auto component = m_components.find(*ref.component_ref);
        if (component == m_components.end()) {
          fail("object " + quote(analytic_ref, 120) + ": \"x_mitre_data_component_ref\" names " +
               quote(*ref.component_ref, 120) +
               ", which is not an x-mitre-data-component of the file");
        }
        model::AttackLogSource source;
        if (component->second.attack_id)
          source.data_component_id = to_string(*component->second.attack_id);
        source.data_component = component->second.name;
        source.name = to_string(*ref.name);
        source.channel = to_string(*ref.channel);
        sources.push_back(std::move(source));
      }
    }
  }

  for (const auto& [attack_id, raw] : by_attack_id) {
    model::AttackTechnique t;
    t.id = to_string(attack_id);
    t.stix_id = to_string(raw->stix_id);
    t.name = to_string(raw->name);
    t.description = to_string(raw->description);
    if (t.id.size() > 5) {
      const std::string parent = t.id.substr(0, 5);
      if (by_attack_id.count(parent) == 0) {
        technique_error(*raw, "sub-technique of " + parent + ", which is not in the file");
      }
      t.parent_id = parent;
    }
    std::vector<std::pair<int, std::string>> tactics;
    for (string_view phase : raw->phases) {
      auto it = tactic_order.find(phase);
      if (it == tactic_order.end()) {
        // A retired technique may keep a tactic that is gone; it is no
        // longer shown under it anyway.
        if (raw->revoked || raw->deprecated) continue;
        technique_error(*raw, "kill chain phase " + quote(phase, 60) +
                                  " is not the x_mitre_shortname of a tactic of the file");
      }
      std::pair<int, std::string> entry(it->second, std::string(phase));
      if (std::find(tactics.begin(), tactics.end(), entry) == tactics.end())
        tactics.push_back(entry);
    }
    std::sort(tactics.begin(), tactics.end());
    for (auto& [order, shortname] : tactics) t.tactics.push_back(std::move(shortname));
    for (string_view p : raw->platforms) {
      if (std::find(t.platforms.begin(), t.platforms.end(), p) == t.platforms.end()) {
        t.platforms.emplace_back(p);
      }
    }
    t.revoked = raw->revoked;
    t.deprecated = raw->deprecated;
    if (t.revoked) {
      auto it = revoked_by.find(raw->stix_id);
      if (it != revoked_by.end()) t.replaced_by = to_string(attack_id_by_stix[it->second->target]);
    }
    if (raw->version) t.version = to_string(*raw->version);
    t.modified = raw->modified;
    // A technique's sources: the detection chain's (v18), the data source
    // strings (v17 and before); each once, grouped by data component.
    std::vector<model::AttackLogSource> sources;
    if (auto it = log_sources.find(raw->attack_id); it != log_sources.end()) sources = it->second;
    for (string_view text : raw->data_sources) sources.push_back(data_source_string(text));
    auto key = [](const model::AttackLogSource& s) {
      return std::tuple(s.data_component_id.value_or(""), s.data_source.value_or(""),
                        s.data_component, s.name.value_or(""), s.channel.value_or(""));
    };
    std::sort(sources.begin(), sources.end(),
              [&](const auto& a, const auto& b) { return key(a) < key(b); });
    sources.erase(std::unique(sources.begin(), sources.end()), sources.end());
    t.log_sources = std::move(sources);
    catalogue.techniques.push_back(std::move(t));
  }
  return catalogue;
}

model::AttackCatalogue BundleReader::read(const std::optional<std::string>& attack_version) {
  read_root();
  return build(attack_version);
}

model::AttackCatalogue read_padded(const simdjson::padded_string& json, const std::string& name,
                                   const std::optional<std::string>& attack_version) {
  const std::optional<std::string> version =
      attack_version ? std::optional(normalise_attack_version(*attack_version)) : std::nullopt;
  model::AttackCatalogue catalogue;
  {
    // The reader and its views into the parser's buffers end here, before
    // the caller stores the catalogue.
    BundleReader reader(name, json);
    catalogue = reader.read(version);
  }
  catalogue.release.file_name = name;
  catalogue.release.file_size = static_cast<std::int64_t>(json.size());
  catalogue.release.sha256 = util::sha256_hex(string_view(json.data(), json.size()));
  return catalogue;
}

}  // namespace

std::string normalise_attack_version(std::string_view text) {
  auto version = parse_attack_version(text);
  if (!version) {
    throw invalid_value("--attack-version", text, "expected a release number such as 18.1");
  }
  return *version;
}

std::string release_label(const model::AttackRelease& release) {
  if (release.version_source != model::AttackVersionSource::unknown) return release.version;
  return "unknown (newest modified " + time::format_utc(release.newest_modified) + ")";
}

model::AttackCatalogue read_stix_bundle(const std::string& path,
                                        const std::optional<std::string>& attack_version) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw Error(ErrorCode::not_found, "ATT&CK bundle " + quote(path, 200) + " does not exist");
  }
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(ErrorCode::io, "cannot read ATT&CK bundle " + quote(path, 200) + ": a directory");
  }
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json) != simdjson::SUCCESS) {
    throw Error(ErrorCode::io, "cannot read ATT&CK bundle " + quote(path, 200));
  }
  return read_padded(json, path, attack_version);
}

model::AttackCatalogue read_stix_bundle_text(std::string_view json, const std::string& name,
                                             const std::optional<std::string>& attack_version) {
  const simdjson::padded_string padded(json);
  return read_padded(padded, name, attack_version);
}

}  // namespace casetrail::attack
