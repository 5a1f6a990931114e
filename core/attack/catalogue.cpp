#include "core/attack/catalogue.hpp"

#include <cctype>
#include <sstream>

#include "core/attack/stix_reader.hpp"
#include "core/attack/tactics.hpp"
#include "core/attack/technique_check.hpp"
#include "core/error.hpp"
#include "core/store/attack_store.hpp"

namespace casetrail::attack {
namespace {

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

// "18.1" -> {18, 1}; nullopt for "unknown".
std::optional<std::vector<long>> version_numbers(const model::AttackRelease& r) {
  if (r.version_source == model::AttackVersionSource::unknown) return std::nullopt;
  std::vector<long> numbers;
  std::istringstream in(r.version);
  for (std::string part; std::getline(in, part, '.');) {
    try {
      numbers.push_back(std::stol(part));
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return numbers;
}

// ATT&CK IDs look like T1059, T1059.001, TA0043: a T, maybe an A, digits.
bool looks_like_id(std::string_view text) {
  if (text.empty() || (text[0] != 'T' && text[0] != 't')) return false;
  std::size_t i = 1;
  if (i < text.size() && (text[i] == 'A' || text[i] == 'a')) ++i;
  if (i == text.size()) return i == 2;  // "TA" alone: every tactic
  return std::isdigit(static_cast<unsigned char>(text[i])) != 0;
}

constexpr const char* k_import_hint = "run `casetrail attack import enterprise-attack.json`";

}  // namespace

ImportResult import_catalogue(const store::Database& db, const std::string& path,
                              const std::optional<std::string>& attack_version,
                              const std::string& analyst, time::UtcTime now) {
  ImportResult result;
  // Everything is read and checked before the transaction starts: a bad
  // file never reaches the database.
  const model::AttackCatalogue catalogue = read_stix_bundle(path, attack_version);
  result.replaced = store::replace_attack_catalogue(db, catalogue, analyst, now);
  const auto status = store::attack_status(db);
  if (!status)
    throw Error(ErrorCode::database, "the imported ATT&CK catalogue cannot be read back");
  result.status = *status;
  if (result.replaced) {
    const auto before = version_numbers(result.replaced->release);
    const auto after = version_numbers(catalogue.release);
    if (before && after && *after < *before) {
      result.warnings.push_back("ATT&CK " + catalogue.release.version +
                                " is older than the release it replaced (" +
                                result.replaced->release.version + ")");
    }
  }
  return result;
}

std::vector<model::AttackTactic> tactics_in_order(const store::Database& db) {
  auto stored = store::attack_tactics(db);
  if (!stored.empty()) return stored;
  return enterprise_tactics();
}

Shown show(const store::Database& db, std::string_view given) {
  const std::string_view text = trim(given);
  const auto release = store::attack_release_label(db);
  const std::string id = upper(text);
  if (is_technique_id(id)) {
    if (!release) {
      throw Error(ErrorCode::not_found, "no ATT&CK catalogue imported to show technique " +
                                            quote(text) + ": " + k_import_hint);
    }
    auto found = store::find_attack_technique(db, id);
    if (found) return std::move(*found);
    const auto near = close_matches(store::attack_technique_refs(db), id);
    throw Error(ErrorCode::not_found,
                "no technique " + quote(text) + " in ATT&CK " + *release +
                    (near.empty() ? "" : "; close matches: " + list_techniques(near)));
  }
  const auto tactics = release ? store::attack_tactics(db) : enterprise_tactics();
  if (auto tactic = find_tactic(tactics, text)) {
    TacticDetails d;
    d.tactic = std::move(*tactic);
    d.release = release;
    if (release) {
      // Revoked techniques keep their old tactics in the file; they are no
      // longer part of the tactic.
      for (auto& t : store::attack_techniques_in_tactic(db, d.tactic.id)) {
        if (!t.revoked) d.techniques.push_back(std::move(t));
      }
    }
    return d;
  }
  std::string message = "no ATT&CK technique or tactic " + quote(text);
  if (release) {
    message += " in ATT&CK " + *release;
    const auto by_name = close_matches(store::attack_technique_refs(db), text);
    if (!by_name.empty()) message += "; by name: " + list_techniques(by_name);
  } else {
    message +=
        " (expected a tactic such as TA0043 or reconnaissance; techniques need an "
        "imported catalogue: " +
        std::string(k_import_hint) + ")";
  }
  throw Error(ErrorCode::not_found, message);
}

SearchResult search(const store::Database& db, std::string_view given) {
  const std::string_view text = trim(given);
  if (text.empty()) throw invalid_value("text", given, "give an ID prefix or words of a name");
  SearchResult result;
  result.release = store::attack_release_label(db);
  const auto tactics = result.release ? store::attack_tactics(db) : enterprise_tactics();
  if (looks_like_id(text)) {
    const std::string prefix = upper(text);
    for (const auto& t : tactics) {
      if (t.id.rfind(prefix, 0) == 0) result.tactics.push_back(t);
    }
    if (result.release && prefix.rfind("TA", 0) != 0) {
      result.techniques = store::search_attack_techniques(db, {prefix, {}});
    }
    return result;
  }
  std::vector<std::string> words;
  std::istringstream in{lower(text)};
  for (std::string w; in >> w;) words.push_back(w);
  for (const auto& t : tactics) {
    const std::string haystack = lower(t.name) + " " + t.shortname;
    bool all = true;
    for (const auto& w : words) all = all && haystack.find(w) != std::string::npos;
    if (all) result.tactics.push_back(t);
  }
  if (result.release)
    result.techniques = store::search_attack_techniques(db, {std::nullopt, words});
  return result;
}

}  // namespace casetrail::attack
