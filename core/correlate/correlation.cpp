#include "core/correlate/correlation.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>
#include <unordered_map>

#include "core/correlate/lineage.hpp"
#include "core/error.hpp"
#include "core/evidence/evidence.hpp"
#include "core/model/identity.hpp"
#include "core/store/case_store.hpp"
#include "core/store/correlate_store.hpp"

namespace casetrail::correlate {
namespace {

constexpr time::Micros k_pair_tolerance = std::chrono::seconds(1);

time::UtcTime saturating_add(time::UtcTime t, time::Micros d) {
  std::int64_t out = 0;
  if (__builtin_add_overflow(t.time_since_epoch().count(), d.count(), &out)) {
    out = d.count() < 0 ? std::numeric_limits<std::int64_t>::min()
                        : std::numeric_limits<std::int64_t>::max();
  }
  return time::UtcTime(time::Micros(out));
}

time::Micros parse_window_duration(const char* field, const std::optional<std::string>& given,
                                   const char* fallback) {
  const std::string text = given.value_or(fallback);
  auto d = time::parse_duration(text);
  if (!d) throw invalid_value(field, text, d.error());
  if (d->count() < 0) throw invalid_value(field, text, "must not be negative");
  return *d;
}

int parse_count(const char* field, const std::string& text, int min, int max,
                const char* expected) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min ||
      value > max) {
    throw invalid_value(field, text, expected);
  }
  return value;
}

std::vector<Scope> parse_scopes(const std::string& text) {
  std::set<Scope> scopes;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = std::min(text.find(',', start), text.size());
    std::string item = text.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item == "host") {
      scopes.insert(Scope::host);
    } else if (item == "account") {
      scopes.insert(Scope::account);
    } else if (item == "session") {
      scopes.insert(Scope::session);
    } else if (item == "lineage") {
      scopes.insert(Scope::lineage);
    } else if (item == "case") {
      scopes.insert(Scope::case_);
    } else {
      throw invalid_value("--scope", text,
                          "expected host, account, session, lineage or case, or several "
                          "separated by commas");
    }
    start = end + 1;
  }
  return {scopes.begin(), scopes.end()};
}

std::string lower_file_name(const std::optional<std::string>& image) {
  if (!image) return {};
  std::string name = image_file_name(*image);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// Sysmon 1 and Security 4688 of one creation: same host, pid and image name,
// different sources, at most 1 s apart.
bool same_execution(const model::ObservationRecord& a, const model::ObservationRecord& b) {
  if (a.id == b.id || a.kind != model::Kind::process || b.kind != model::Kind::process)
    return false;
  if (!a.process || !b.process || !a.process->pid || !b.process->pid) return false;
  if (a.host != b.host || *a.process->pid != *b.process->pid || a.source == b.source) return false;
  const std::string name = lower_file_name(a.process->image);
  if (name.empty() || name != lower_file_name(b.process->image)) return false;
  if (a.process->guid && b.process->guid && *a.process->guid != *b.process->guid) return false;
  const auto delta = a.observed_at - b.observed_at;
  return delta <= k_pair_tolerance && -delta <= k_pair_tolerance;
}

// A result before its details are read.
struct Found {
  time::UtcTime at{};
  std::vector<Reason> reasons;
  std::optional<int> hop;
  std::vector<std::string> path;
};

void add_reason(std::vector<Reason>& reasons, Reason reason) {
  for (const auto& r : reasons) {
    if (r.type == reason.type && r.number == reason.number && r.via == reason.via &&
        r.detail == reason.detail) {
      return;
    }
  }
  reasons.push_back(std::move(reason));
}

struct Synthetic {
  SyntheticProcess process;
  time::UtcTime at{};  // its child's start: it sorts just before the child
  std::int64_t child_id = 0;
  std::vector<Reason> reasons;
};

class Correlator {
 public:
  Correlator(const store::Database& db, const CorrelateInput& input) : m_db(db), m_input(input) {}

  Correlation run() {
    Correlation out;
    out.case_record = store::require_case(m_db, m_input.case_key);
    m_case = &out.case_record;
    out.before = parse_window_duration("--before", m_input.before, k_default_before);
    out.after = parse_window_duration("--after", m_input.after, k_default_after);
    if (m_input.hops) {
      out.hops = parse_count("--hops", *m_input.hops, 0, k_max_hops,
                             "expected a number of hops from 0 to 10");
    }
    std::optional<int> limit;
    if (m_input.limit) {
      limit = parse_count("--limit", *m_input.limit, 1, std::numeric_limits<int>::max(),
                          "expected a positive number of results");
    }
    resolve_anchor(out.anchor);
    out.from = saturating_add(out.anchor.at, -out.before);
    out.to = saturating_add(out.anchor.at, out.after);
    m_from = out.from;
    m_to = out.to;
    if (m_input.scope) {
      out.scopes = parse_scopes(*m_input.scope);
    } else {
      if (out.anchor.host) out.scopes.push_back(Scope::host);
      if (out.anchor.account) out.scopes.push_back(Scope::account);
    }
    check_scopes(out.anchor, out.scopes);

    for (Scope s : out.scopes) run_scope(out.anchor, s);
    if (out.hops > 0) run_hops(out);
    if (m_anchor_row) m_found[m_anchor_row->id].at = out.anchor.at;

    // Stable order: time, then number (row ids follow numbers within a
    // case); a synthetic process just before the child that describes it.
    struct Entry {
      time::UtcTime at;
      std::int64_t id;
      int synthetic;  // index into m_synthetic, or -1
    };
    std::vector<Entry> entries;
    for (const auto& [id, f] : m_found) entries.push_back({f.at, id, -1});
    for (std::size_t i = 0; i < m_synthetic.size(); ++i) {
      entries.push_back({m_synthetic[i].at, m_synthetic[i].child_id, static_cast<int>(i)});
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      if (a.at != b.at) return a.at < b.at;
      if (a.id != b.id) return a.id < b.id;
      return (a.synthetic >= 0) > (b.synthetic >= 0);
    });
    out.total = static_cast<std::int64_t>(entries.size());
    if (limit && entries.size() > static_cast<std::size_t>(*limit)) {
      entries.resize(static_cast<std::size_t>(*limit));
    }
    out.not_shown = out.total - static_cast<std::int64_t>(entries.size());

    // The shown results and the anchor (also when --limit leaves it out)
    // in one read.
    std::vector<std::int64_t> ids;
    for (const auto& e : entries) {
      if (e.synthetic < 0) ids.push_back(e.id);
    }
    if (m_anchor_row) ids.push_back(m_anchor_row->id);
    std::vector<model::ObservationRecord> fetched =
        store::observations_by_id(m_db, out.case_record.id, ids);
    std::unordered_map<std::int64_t, std::size_t> position;
    position.reserve(fetched.size());
    for (std::size_t i = 0; i < fetched.size(); ++i) position.emplace(fetched[i].id, i);
    if (m_anchor_row) out.anchor.observation = fetched.at(position.at(m_anchor_row->id));
    out.results.reserve(entries.size());
    for (const auto& e : entries) {
      Result result;
      if (e.synthetic >= 0) {
        Synthetic& s = m_synthetic[static_cast<std::size_t>(e.synthetic)];
        result.synthetic = s.process;
        result.relation = Relation::precedes;
        result.reasons = s.reasons;
      } else {
        auto it = position.find(e.id);
        if (it == position.end()) continue;  // cannot happen: ids come from this case
        result.observation = std::move(fetched[it->second]);
        annotate(out, result, m_found[e.id]);
      }
      out.results.push_back(std::move(result));
    }
    mark_executions(out);
    for (auto& r : out.results) {
      std::stable_sort(r.reasons.begin(), r.reasons.end(), [](const Reason& a, const Reason& b) {
        return static_cast<int>(a.type) < static_cast<int>(b.type);
      });
    }
    out.not_followed.assign(m_not_followed.begin(), m_not_followed.end());
    return out;
  }

 private:
  std::string case_key() const { return m_case->key; }

  void resolve_anchor(Anchor& anchor) {
    const bool has_ref = m_input.ref.has_value();
    const bool has_at = m_input.at.has_value();
    if (has_ref && has_at) {
      throw Error(ErrorCode::usage, "give an observation number or --at, not both");
    }
    if (!has_ref && !has_at) {
      throw Error(ErrorCode::usage,
                  "missing REF: give an observation number (42 or #42) or --at TIME with --host "
                  "and/or --account");
    }
    if (has_ref) {
      if (m_input.host || m_input.account) {
        throw Error(ErrorCode::usage,
                    "--host and --account go with --at: an observation anchor has its own");
      }
      const auto number = evidence::parse_observation_ref("observation", *m_input.ref);
      m_anchor_row = store::anchor_row(m_db, m_case->id, number);
      if (!m_anchor_row) {
        throw Error(ErrorCode::not_found,
                    "no observation #" + std::to_string(number) + " in case " + quote(case_key()));
      }
      m_host_id = m_anchor_row->host_id;
      m_account_id = m_anchor_row->account_id;
      anchor.at = m_anchor_row->observed_at;
      anchor.host = m_anchor_row->host;
      anchor.account = m_anchor_row->account;
      anchor.logon_id = m_anchor_row->logon_id;
      return;
    }
    if (!m_input.host && !m_input.account) {
      throw Error(ErrorCode::usage, "--at needs --host and/or --account");
    }
    time::ParseOptions options;
    options.zone = evidence::display_zone(m_case, m_input.tz);
    auto t = time::parse_time(*m_input.at, options);
    if (!t) throw invalid_value("--at", *m_input.at, t.error());
    anchor.at = t->utc;
    if (m_input.host) {
      auto name = model::canonical_host(*m_input.host);
      if (!name) throw invalid_value("--host", *m_input.host, "empty host name");
      auto host = store::find_host(m_db, m_case->id, name->canonical);
      if (!host) {
        throw Error(ErrorCode::not_found,
                    "no host " + quote(*m_input.host) + " in case " + quote(case_key()));
      }
      m_host_id = host->id;
      anchor.host = host->canonical;
    }
    if (m_input.account) {
      auto name = model::canonical_account(*m_input.account);
      if (!name) throw invalid_value("--account", *m_input.account, "empty account name");
      auto account = store::find_account(m_db, m_case->id, name->canonical);
      if (!account) {
        throw Error(ErrorCode::not_found,
                    "no account " + quote(*m_input.account) + " in case " + quote(case_key()));
      }
      m_account_id = account->id;
      anchor.account = account->canonical;
    }
  }

  void check_scopes(const Anchor& anchor, const std::vector<Scope>& scopes) {
    const std::string who = m_anchor_row ? "observation #" + std::to_string(m_anchor_row->number)
                                         : std::string("an --at anchor");
    for (Scope s : scopes) {
      switch (s) {
        case Scope::host:
          if (!anchor.host) {
            throw Error(ErrorCode::invalid_input,
                        "--scope host needs a host: give --host with --at");
          }
          break;
        case Scope::account:
          if (!anchor.account) {
            throw Error(ErrorCode::invalid_input,
                        m_anchor_row
                            ? "--scope account needs an account: " + who + " has none"
                            : "--scope account needs an account: give --account with --at");
          }
          break;
        case Scope::session:
          if (!anchor.logon_id) {
            throw Error(ErrorCode::invalid_input,
                        "--scope session needs a logon id: " + who + " has none");
          }
          break;
        case Scope::lineage: {
          const auto& o = m_anchor_row;
          if (!o || !o->process || (!o->process->pid && !o->process->guid)) {
            throw Error(
                ErrorCode::invalid_input,
                "--scope lineage needs a process id or process GUID: " + who + " has neither");
          }
          break;
        }
        case Scope::case_:
          break;
      }
    }
  }

  void add(std::int64_t id, time::UtcTime at, std::optional<Reason> reason = std::nullopt) {
    Found& f = m_found[id];
    f.at = at;
    if (reason) add_reason(f.reasons, std::move(*reason));
  }

  void run_scope(const Anchor& anchor, Scope scope) {
    switch (scope) {
      case Scope::host:
        for (const auto& k : store::window_on_host(m_db, *m_host_id, m_from, m_to))
          add(k.id, k.observed_at);
        break;
      case Scope::account:
        for (const auto& k : store::window_by_account(m_db, *m_account_id, m_from, m_to)) {
          add(k.id, k.observed_at);
        }
        break;
      case Scope::case_:
        for (const auto& k : store::window_in_case(m_db, m_case->id, m_from, m_to))
          add(k.id, k.observed_at);
        break;
      case Scope::session: {
        const std::string& logon = *anchor.logon_id;
        for (const auto& k : store::window_in_session(m_db, *m_host_id, logon, m_from, m_to)) {
          add(k.id, k.observed_at);
        }
        if (auto k = store::session_logon(m_db, *m_host_id, logon, anchor.at)) {
          add(k->id, k->observed_at, Reason{ReasonType::session_logon, {}, {}, logon});
        }
        break;
      }
      case Scope::lineage:
        run_lineage(anchor);
        break;
    }
  }

  void run_lineage(const Anchor& anchor) {
    const std::int64_t a = m_anchor_row->number;
    const Lineage lineage =
        build_lineage(m_db, m_case->id, *m_anchor_row->process, "--scope lineage");
    auto node_at = [&](int i) -> const ProcessNode& {
      return lineage.nodes[static_cast<std::size_t>(i)];
    };
    // The number that names a node in "(parent of #X)": its record, or for
    // a synthetic process the observation it is known from.
    auto name_of = [&](int i) {
      return node_at(i).number().value_or(node_at(i).known_from.value_or(0));
    };

    for (std::size_t i = 0; i < lineage.nodes.size(); ++i) {
      const ProcessNode& n = lineage.nodes[i];
      const bool in_tree =
          static_cast<int>(i) == lineage.anchor || n.parent || static_cast<int>(i) == lineage.root;
      if (!in_tree) continue;  // resolved on the way, not part of this lineage
      std::optional<Reason> relation;
      if (n.generation == -1) {
        relation = Reason{ReasonType::parent_of, a, {}, {}};
      } else if (n.generation < -1) {
        relation = Reason{ReasonType::ancestor_of, a, name_of(n.children.front()), {}};
      } else if (n.generation == 1) {
        relation = Reason{ReasonType::child_of, a, {}, {}};
      } else if (n.generation > 1) {
        relation = Reason{ReasonType::descendant_of, a, name_of(*n.parent), {}};
      }
      if (n.synthetic() && n.generation < 0) {
        Synthetic s;
        s.process.description = describe_synthetic(n);
        s.process.image = n.image;
        s.process.command_line = n.command_line;
        s.process.pid = n.pid;
        s.process.guid = n.guid;
        s.process.known_from = n.known_from;
        s.process.host = *anchor.host;
        const ProcessNode& child = node_at(n.children.front());
        s.at = child.started_at.value_or(anchor.at);
        s.child_id = child.starts.empty() ? m_anchor_row->id : child.starts.front().id;
        if (relation) s.reasons.push_back(*relation);
        m_synthetic.push_back(std::move(s));
        continue;
      }
      for (const auto& start : n.starts) {
        if (start.id == m_anchor_row->id) continue;
        if (n.generation == 0 && m_anchor_row->kind != model::Kind::process) {
          add(start.id, start.observed_at, Reason{ReasonType::same_process_as, a, {}, {}});
        } else {
          add(start.id, start.observed_at, relation);
        }
      }
      for (const auto& k : n.activity) {
        if (k.id == m_anchor_row->id) continue;
        const std::int64_t process = n.generation == 0 ? a : n.number().value_or(a);
        add(k.id, k.observed_at, Reason{ReasonType::same_process_as, process, {}, {}});
        if (relation) add(k.id, k.observed_at, relation);
      }
    }
  }

  void run_hops(Correlation& out) {
    struct Reached {
      std::int64_t id;
      bool is_host;
      std::vector<std::string> path;
    };
    std::set<std::int64_t> seen_hosts;
    std::set<std::int64_t> seen_accounts;
    std::vector<Reached> frontier;
    if (m_host_id) {
      seen_hosts.insert(*m_host_id);
      frontier.push_back({*m_host_id, true, {*out.anchor.host}});
    } else {
      seen_accounts.insert(*m_account_id);
      frontier.push_back({*m_account_id, false, {*out.anchor.account}});
    }
    for (int level = 1; level <= out.hops && !frontier.empty(); ++level) {
      std::vector<Reached> next;
      for (const Reached& e : frontier) {
        const auto entities = e.is_host ? store::accounts_on_host(m_db, e.id, m_from, m_to)
                                        : store::hosts_of_account(m_db, e.id, m_from, m_to);
        auto& seen = e.is_host ? seen_accounts : seen_hosts;
        for (const auto& entity : entities) {
          if (!seen.insert(entity.id).second) continue;
          if (e.is_host && is_host_local_account(entity.canonical)) {
            m_not_followed.insert(entity.canonical);
            continue;
          }
          auto path = e.path;
          path.push_back(entity.canonical);
          next.push_back({entity.id, !e.is_host, std::move(path)});
        }
      }
      for (const Reached& e : next) {
        const auto keys = e.is_host ? store::window_on_host(m_db, e.id, m_from, m_to)
                                    : store::window_by_account(m_db, e.id, m_from, m_to);
        for (const auto& k : keys) {
          Found& f = m_found[k.id];
          f.at = k.observed_at;
          if (f.hop) continue;  // reached at a lower level already
          f.hop = level;
          f.path = e.path;
        }
      }
      frontier = std::move(next);
    }
  }

  bool in_window(time::UtcTime t) const { return t >= m_from && t <= m_to; }

  void annotate(const Correlation& out, Result& result, const Found& found) {
    const model::ObservationRecord& r = *result.observation;
    const Anchor& anchor = out.anchor;
    result.offset = r.observed_at - anchor.at;
    const bool is_anchor = anchor.observation && anchor.observation->id == r.id;
    if (is_anchor) {
      result.relation = Relation::anchor;
    } else if (result.offset->count() < 0) {
      result.relation = Relation::precedes;
    } else if (result.offset->count() > 0) {
      result.relation = Relation::follows;
    } else {
      result.relation = Relation::same_time;
    }
    result.reasons = found.reasons;
    if (is_anchor) result.reasons.push_back({ReasonType::anchor, {}, {}, {}});
    const bool window = in_window(r.observed_at);
    for (Scope s : out.scopes) {
      switch (s) {
        case Scope::host:
          if (window && anchor.host == r.host) {
            add_reason(result.reasons, {ReasonType::same_host, {}, {}, r.host});
          }
          break;
        case Scope::account:
          if (window && r.account && anchor.account == r.account) {
            add_reason(result.reasons, {ReasonType::same_account, {}, {}, *r.account});
          }
          break;
        case Scope::session:
          if (window && anchor.host == r.host && r.process &&
              r.process->logon_id == anchor.logon_id) {
            add_reason(result.reasons, {ReasonType::same_session, {}, {}, *anchor.logon_id});
          }
          break;
        case Scope::case_:
          if (window) add_reason(result.reasons, {ReasonType::in_case, {}, {}, {}});
          break;
        case Scope::lineage:
          break;
      }
    }
    if (found.hop) {
      result.hop = found.hop;
      result.path = found.path;
      std::string text;
      for (std::size_t i = 0; i < found.path.size(); ++i) text += (i ? " -> " : "") + found.path[i];
      add_reason(result.reasons,
                 {ReasonType::hop, {}, {}, "hop " + std::to_string(*found.hop) + ": " + text});
    }
    if (!is_anchor && anchor.observation && anchor.observation->process &&
        anchor.observation->process->command_line &&
        !anchor.observation->process->command_line->empty() && r.process &&
        r.process->command_line == anchor.observation->process->command_line) {
      add_reason(result.reasons,
                 {ReasonType::same_command_line_as, anchor.observation->number, {}, {}});
    }
  }

  // "same execution as": the Sysmon 1 / Security 4688 records of one process
  // creation, among the results and with the anchor.
  void mark_executions(Correlation& out) {
    std::vector<const model::ObservationRecord*> records;
    if (out.anchor.observation) records.push_back(&*out.anchor.observation);
    for (const auto& r : out.results) {
      if (r.observation) records.push_back(&*r.observation);
    }
    // By pid first; same_execution() compares the rest.
    std::unordered_map<std::int64_t, std::vector<const model::ObservationRecord*>> by_pid;
    for (const auto* r : records) {
      if (r->kind != model::Kind::process || !r->process || !r->process->pid) continue;
      by_pid[*r->process->pid].push_back(r);
    }
    for (auto& result : out.results) {
      if (!result.observation) continue;
      const auto& r = *result.observation;
      if (r.kind != model::Kind::process || !r.process || !r.process->pid) continue;
      const auto it = by_pid.find(*r.process->pid);
      if (it == by_pid.end() || it->second.size() < 2) continue;
      for (const auto* other : it->second) {
        if (same_execution(r, *other)) {
          add_reason(result.reasons, {ReasonType::same_execution_as, other->number, {}, {}});
        }
      }
    }
  }

  const store::Database& m_db;
  const CorrelateInput& m_input;
  const model::CaseRecord* m_case = nullptr;
  std::optional<store::AnchorRow> m_anchor_row;
  std::optional<std::int64_t> m_host_id;
  std::optional<std::int64_t> m_account_id;
  time::UtcTime m_from{};
  time::UtcTime m_to{};
  std::unordered_map<std::int64_t, Found> m_found;
  std::vector<Synthetic> m_synthetic;
  std::set<std::string> m_not_followed;
};

}  // namespace

std::string_view to_string(Scope s) {
  switch (s) {
    case Scope::host:
      return "host";
    case Scope::account:
      return "account";
    case Scope::session:
      return "session";
    case Scope::lineage:
      return "lineage";
    case Scope::case_:
      return "case";
  }
  return "host";
}

std::string_view to_string(ReasonType t) {
  switch (t) {
    case ReasonType::anchor:
      return "anchor";
    case ReasonType::parent_of:
      return "parent_of";
    case ReasonType::ancestor_of:
      return "ancestor_of";
    case ReasonType::child_of:
      return "child_of";
    case ReasonType::descendant_of:
      return "descendant_of";
    case ReasonType::same_process_as:
      return "same_process_as";
    case ReasonType::same_execution_as:
      return "same_execution_as";
    case ReasonType::session_logon:
      return "session_logon";
    case ReasonType::same_session:
      return "same_session";
    case ReasonType::same_host:
      return "same_host";
    case ReasonType::same_account:
      return "same_account";
    case ReasonType::same_command_line_as:
      return "same_command_line_as";
    case ReasonType::in_case:
      return "in_case";
    case ReasonType::hop:
      return "hop";
  }
  return "anchor";
}

std::string_view to_string(Relation r) {
  switch (r) {
    case Relation::anchor:
      return "anchor";
    case Relation::precedes:
      return "precedes";
    case Relation::same_time:
      return "same_time";
    case Relation::follows:
      return "follows";
  }
  return "follows";
}

std::string Reason::text() const {
  auto ref = [](std::optional<std::int64_t> n) { return "#" + std::to_string(n.value_or(0)); };
  switch (type) {
    case ReasonType::anchor:
      return "anchor";
    case ReasonType::parent_of:
      return "parent of " + ref(number);
    case ReasonType::ancestor_of:
      return "ancestor of " + ref(number) + " (parent of " + ref(via) + ")";
    case ReasonType::child_of:
      return "child of " + ref(number);
    case ReasonType::descendant_of:
      return "descendant of " + ref(number) + " (child of " + ref(via) + ")";
    case ReasonType::same_process_as:
      return "same process as " + ref(number);
    case ReasonType::same_execution_as:
      return "same execution as " + ref(number);
    case ReasonType::session_logon:
      return "logon of session " + detail;
    case ReasonType::same_session:
      return "same session " + detail;
    case ReasonType::same_host:
      return "same host";
    case ReasonType::same_account:
      return "same account";
    case ReasonType::same_command_line_as:
      return "same command line as " + ref(number);
    case ReasonType::in_case:
      return "in case";
    case ReasonType::hop:
      return detail;
  }
  return {};
}

Correlation correlate(const store::Database& db, const CorrelateInput& input) {
  Correlation out;
  store::read_snapshot(db, [&] { out = Correlator(db, input).run(); });
  return out;
}

bool is_host_local_account(const std::string& canonical) {
  static const char* const k_prefixes[] = {"nt authority\\", "window manager\\",
                                           "font driver host\\"};
  for (const char* p : k_prefixes) {
    if (canonical.rfind(p, 0) == 0) return true;
  }
  return canonical == "root";
}

}  // namespace casetrail::correlate
