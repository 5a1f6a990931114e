#include "core/model/corrections.hpp"

#include <algorithm>

namespace casetrail::model {

std::vector<Correction> corrections(const ObservationRecord& r) {
  std::vector<Correction> out;
  for (const AuditEntry& e : r.history) {
    if (e.action != "correction" || !e.field || !e.new_value) continue;
    auto it = std::find_if(out.begin(), out.end(),
                           [&](const Correction& c) { return c.field == *e.field; });
    if (it == out.end()) {
      // The first correction's old value is the logged one.
      out.push_back({*e.field, e.old_value, *e.new_value, e.analyst, e.at, e.reason});
    } else {
      it->value = *e.new_value;
      it->analyst = e.analyst;
      it->at = e.at;
      it->reason = e.reason;
    }
  }
  return out;
}

std::vector<AuditEntry> added_notes(const ObservationRecord& r) {
  std::vector<AuditEntry> out;
  for (const AuditEntry& e : r.history) {
    if (e.action == "note" && e.new_value) out.push_back(e);
  }
  return out;
}

}  // namespace casetrail::model
