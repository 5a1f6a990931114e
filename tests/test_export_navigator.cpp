// The Navigator layer checked against the layer format 4.5
// (https://github.com/mitre-attack/attack-navigator/blob/master/layers/LAYERFORMATv4_5.md):
// required keys and their types, the version strings, and every technique ID
// and tactic present in the imported catalogue.

#include <catch2/catch.hpp>

#include <regex>

#include <nlohmann/json.hpp>

#include "core/store/attack_store.hpp"
#include "core/store/database.hpp"
#include "tests/export_support.hpp"

using casetrail::test::HandCase;
using nlohmann::json;

namespace {

bool is_colour(const json& v) {
  static const std::regex hex("#[0-9a-fA-F]{6}");
  return v.is_string() && std::regex_match(v.get<std::string>(), hex);
}

// A metadata array: {name, value} strings, or {divider: true}.
void check_metadata(const json& metadata) {
  REQUIRE(metadata.is_array());
  for (const auto& m : metadata) {
    if (m.contains("divider")) {
      CHECK(m.at("divider").is_boolean());
      continue;
    }
    CHECK(m.at("name").is_string());
    CHECK(m.at("value").is_string());
  }
}

}  // namespace

TEST_CASE("the navigator layer has the 4.5 keys with their types", "[export]") {
  HandCase c;
  const auto layer = json::parse(c.export_as("navigator"));
  CHECK(layer.at("name").is_string());
  CHECK(layer.at("name") == "IR-X Phishing to PowerShell <b>&</b>");
  CHECK(layer.at("versions").at("layer") == "4.5");
  CHECK(layer.at("versions").at("attack") == "18");
  CHECK(layer.at("versions").at("navigator").is_string());
  CHECK(layer.at("domain") == "enterprise-attack");
  CHECK(layer.at("description").is_string());
  const auto& gradient = layer.at("gradient");
  REQUIRE(gradient.at("colors").is_array());
  CHECK(gradient.at("colors").size() >= 2);
  for (const auto& colour : gradient.at("colors")) CHECK(is_colour(colour));
  CHECK(gradient.at("minValue").is_number());
  CHECK(gradient.at("maxValue").is_number());
  REQUIRE(layer.at("legendItems").is_array());
  CHECK(layer.at("legendItems").size() >= 2);
  for (const auto& item : layer.at("legendItems")) {
    CHECK(item.at("label").is_string());
    CHECK(is_colour(item.at("color")));
  }
  check_metadata(layer.at("metadata"));
  CHECK(layer.at("hideDisabled").is_boolean());
  CHECK(layer.at("layout").at("layout").is_string());
}

TEST_CASE("every layer technique and tactic is in the catalogue, scored by verified evidence",
          "[export]") {
  HandCase c;
  const auto layer = json::parse(c.export_as("navigator"));
  auto db = casetrail::store::Database::open(c.db, casetrail::store::OpenMode::existing);
  const auto& techniques = layer.at("techniques");
  REQUIRE(techniques.is_array());
  std::map<std::string, json> by_id;
  for (const auto& t : techniques) {
    const std::string id = t.at("techniqueID").get<std::string>();
    INFO(id);
    const auto details = casetrail::store::find_attack_technique(db, id);
    REQUIRE(details.has_value());
    REQUIRE(t.contains("tactic"));
    const auto& tactics = details->technique.tactics;
    CHECK(std::find(tactics.begin(), tactics.end(), t.at("tactic").get<std::string>()) != tactics.end());
    CHECK(t.at("enabled").is_boolean());
    CHECK(t.at("comment").is_string());
    if (t.contains("score")) CHECK(t.at("score").is_number());
    if (t.contains("color")) CHECK(is_colour(t.at("color")));
    check_metadata(t.at("metadata"));
    by_id[id] = t;
  }
  // Seen: T1059.001 (#2 verified, #4 unverified), T1059 (#3 unverified),
  // T1591.002 (#5 verified); T1059.004 only on benign #6: left out.
  CHECK(by_id.size() == 3);
  CHECK(by_id.at("T1059.001").at("score") == 1);
  CHECK(by_id.at("T1059.001").at("tactic") == "execution");
  CHECK(by_id.at("T1591.002").at("score") == 1);
  CHECK(by_id.at("T1591.002").at("tactic") == "reconnaissance");
  CHECK(by_id.at("T1591.002").at("comment").get<std::string>().find("hosts: fs02") != std::string::npos);
  // Unverified only: its own colour, no score, a metadata note.
  const auto& lead = by_id.at("T1059");
  CHECK(!lead.contains("score"));
  CHECK(lead.at("color") == "#9ecae1");
  CHECK(lead.at("metadata").at(0).at("value") ==
        "unverified only: a lead, not a finding; verify before acting on it");
  CHECK(by_id.count("T1059.004") == 0);
}
