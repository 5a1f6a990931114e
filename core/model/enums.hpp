#pragma once
// Closed enumerations of the data model, with their stable text forms (the
// same strings the database CHECK constraints and the JSON output use).

#include <optional>
#include <string_view>

namespace casetrail::model {

enum class Kind { process, logon, network, file, registry, dns, image_load, email, web, note };
enum class Status { unverified, verified, benign, false_positive };
enum class Severity { low, medium, high, critical };
enum class CaseStatus { open, contained, closed };

std::string_view to_string(Kind k);
std::string_view to_string(Status s);
std::string_view to_string(Severity s);
std::string_view to_string(CaseStatus s);

// Parse the text form; also accepts "-" for "_" ("false-positive",
// "image-load"). Returns nullopt for anything else.
std::optional<Kind> parse_kind(std::string_view text);
std::optional<Status> parse_status(std::string_view text);
std::optional<Severity> parse_severity(std::string_view text);
std::optional<CaseStatus> parse_case_status(std::string_view text);

}  // namespace casetrail::model
