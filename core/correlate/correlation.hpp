#pragma once
// Correlation: what came before and after an anchor, on its host, by its
// account, in its logon session, in its process lineage, or in the whole
// case (docs: "Correlation, precisely").
//
// An anchor is an observation, or a time with a host and/or an account. Its
// window is [t - before, t + after], inclusive at both ends, of any length.
// Scopes combine (a result found by several carries every reason); lineage
// ignores the window (ancestors and descendants across any time span).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/model/case_record.hpp"
#include "core/model/observation_record.hpp"
#include "core/store/database.hpp"
#include "core/time/time.hpp"

namespace casetrail::correlate {

// What a responder would pick first: the access that led here usually lies
// minutes before, the actions that follow take longer to play out.
inline constexpr const char* k_default_before = "15m";
inline constexpr const char* k_default_after = "2h";
// --hops beyond this reaches the whole case in any real one; refuse rather
// than pretend.
inline constexpr int k_max_hops = 10;

enum class Scope { host, account, session, lineage, case_ };

std::string_view to_string(Scope s);

// Everything `casetrail correlate` accepts, as given (text); validated by
// correlate(). Field names in errors are the CLI's option names.
struct CorrelateInput {
  std::string case_key;
  std::optional<std::string> ref;  // "42" or "#42"
  std::optional<std::string> at;   // a time, with host and/or account
  std::optional<std::string> host;
  std::optional<std::string> account;
  std::optional<std::string> before;  // duration, default k_default_before
  std::optional<std::string> after;   // duration, default k_default_after
  std::optional<std::string> scope;   // "host,account", ...
  std::optional<std::string> hops;    // 0..k_max_hops
  std::optional<std::string> limit;   // positive
  std::optional<std::string> tz;      // zone for a local --at (default: the case's)
};

struct Anchor {
  std::optional<model::ObservationRecord> observation;  // when given by number
  time::UtcTime at{};
  std::optional<std::string> host;     // canonical
  std::optional<std::string> account;  // canonical
  std::optional<std::string> logon_id;
};

// Why a result is linked to the anchor.
enum class ReasonType {
  anchor,
  parent_of,          // number: the anchor
  ancestor_of,        // number: the anchor; via: the child it is the parent of
  child_of,           // number: the anchor
  descendant_of,      // number: the anchor; via: its parent
  same_process_as,    // number: the process's start (or the anchor): another record of one process
  same_execution_as,  // number: the other record of one process creation (Sysmon 1 / 4688)
  session_logon,      // the logon that opened the anchor's session; detail: logon id
  same_session,       // detail: logon id
  same_host,          // detail: host
  same_account,       // detail: account
  same_command_line_as,  // number: the anchor
  in_case,
  hop,  // detail: the path, "ws1 -> corp\\alice -> ws2"
};

std::string_view to_string(ReasonType t);

struct Reason {
  ReasonType type = ReasonType::anchor;
  std::optional<std::int64_t> number;  // the observation it relates to
  std::optional<std::int64_t> via;     // for ancestor_of / descendant_of
  std::string detail;
  // "child of #12", "ancestor of #12 (parent of #11)", "same host ws1",
  // "hop 2: ws1 -> corp\\alice -> ws2".
  std::string text() const;
};

enum class Relation { anchor, precedes, same_time, follows };
std::string_view to_string(Relation r);

// A process that no observation records (a parent known only from its
// child's parent fields).
struct SyntheticProcess {
  std::string description;  // "cmd.exe (pid 1234, known only from #5's parent fields)"
  std::optional<std::string> image;
  std::optional<std::string> command_line;
  std::optional<std::int64_t> pid;
  std::optional<std::string> guid;
  std::optional<std::int64_t> known_from;
  std::string host;
};

struct Result {
  // Exactly one of the two.
  std::optional<model::ObservationRecord> observation;
  std::optional<SyntheticProcess> synthetic;
  std::optional<time::Micros> offset;  // from the anchor; nullopt for a synthetic process
  Relation relation = Relation::follows;
  std::vector<Reason> reasons;
  // For results reached by --hops: the hop level and the path.
  std::optional<int> hop;
  std::vector<std::string> path;
};

struct Correlation {
  model::CaseRecord case_record;
  Anchor anchor;
  time::UtcTime from{};
  time::UtcTime to{};
  time::Micros before{};
  time::Micros after{};
  std::vector<Scope> scopes;
  int hops = 0;
  std::vector<Result> results;  // time order, ties by number; the shown ones
  std::int64_t total = 0;       // results before --limit
  std::int64_t not_shown = 0;   // total - results.size()
  // Accounts --hops did not pivot through (host-local built-ins such as
  // NT AUTHORITY\SYSTEM: the same name on every host is not one identity).
  std::vector<std::string> not_followed;
};

// Resolves the anchor, builds the window, runs the scopes and hops.
// Throws casetrail::Error:
//   usage: neither REF nor --at, both, --at without --host/--account, or
//          --host/--account with REF;
//   not_found: unknown case, observation, or --host/--account not in the case;
//   invalid_input: a bad REF, time, duration, scope, hops or limit, or a
//          scope the anchor lacks the field for (lineage without pid or
//          GUID, session without logon id, host/account without one).
Correlation correlate(const store::Database& db, const CorrelateInput& input);

// True for accounts that name a different identity on every host
// (NT AUTHORITY\*, Window Manager\*, Font Driver Host\*, root): --hops does
// not pivot through them.
bool is_host_local_account(const std::string& canonical);

}  // namespace casetrail::correlate
