#include "core/model/enums.hpp"

#include <array>
#include <string>

namespace casetrail::model {
namespace {

constexpr std::array<std::string_view, 10> k_kinds = {
    "process", "logon", "network", "file", "registry", "dns", "image_load", "email", "web", "note"};
constexpr std::array<std::string_view, 4> k_statuses = {"unverified", "verified", "benign",
                                                        "false_positive"};
constexpr std::array<std::string_view, 4> k_severities = {"low", "medium", "high", "critical"};
constexpr std::array<std::string_view, 3> k_case_statuses = {"open", "contained", "closed"};

template <typename E, std::size_t N>
std::optional<E> parse_from(const std::array<std::string_view, N>& names, std::string_view text) {
  std::string normal(text);
  for (char& c : normal) {
    if (c == '-') c = '_';
  }
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == normal) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Kind k) { return k_kinds.at(static_cast<std::size_t>(k)); }
std::string_view to_string(Status s) { return k_statuses.at(static_cast<std::size_t>(s)); }
std::string_view to_string(Severity s) { return k_severities.at(static_cast<std::size_t>(s)); }
std::string_view to_string(CaseStatus s) { return k_case_statuses.at(static_cast<std::size_t>(s)); }

std::optional<Kind> parse_kind(std::string_view t) { return parse_from<Kind>(k_kinds, t); }
std::optional<Status> parse_status(std::string_view t) { return parse_from<Status>(k_statuses, t); }
std::optional<Severity> parse_severity(std::string_view t) {
  return parse_from<Severity>(k_severities, t);
}
std::optional<CaseStatus> parse_case_status(std::string_view t) {
  return parse_from<CaseStatus>(k_case_statuses, t);
}

}  // namespace casetrail::model
