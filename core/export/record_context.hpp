#pragma once
// What every export record needs beside the observation itself.

#include <optional>
#include <string>
#include <vector>

#include "core/model/case_record.hpp"
#include "core/model/observation_record.hpp"
#include "core/store/export_store.hpp"

namespace date {
class time_zone;
}

namespace casetrail::exporting {

struct RecordContext {
  const model::CaseRecord* case_record = nullptr;
  // The display zone (--tz, else the case's zone); nullptr: UTC.
  const date::time_zone* zone = nullptr;
  // The observation's audit history, oldest first; nullptr: none.
  const std::vector<model::AuditEntry>* history = nullptr;
  // The observation's hash-chain link; nullptr: none (jsonl writes null).
  const store::ChainPosition* chain = nullptr;
};

// The display zone's name: "UTC" for nullptr.
std::string zone_name(const date::time_zone* zone);

// The time in the display zone with its offset (UTC: "...Z").
std::string local_time(time::UtcTime t, const date::time_zone* zone);

}  // namespace casetrail::exporting
