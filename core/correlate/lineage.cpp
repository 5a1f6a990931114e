#include "core/correlate/lineage.hpp"

#include <algorithm>
#include <deque>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"

namespace casetrail::correlate {
namespace {

// A Sysmon 1 and a Security 4688 of one creation are written by different
// components, a few milliseconds apart (after any skew correction).
constexpr time::Micros k_pair_tolerance = std::chrono::seconds(1);

// How many starts of one pid to look past when skipping a process's own
// records (at most its pair) before deciding.
constexpr int k_lookahead = 8;

const time::UtcTime k_beginning{time::Micros(std::numeric_limits<std::int64_t>::min())};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::optional<std::string> name_of(const std::optional<std::string>& image) {
  if (!image) return std::nullopt;
  return lower(image_file_name(*image));
}

bool before(const store::ProcessRow& a, const store::ProcessRow& b) {
  if (a.observed_at != b.observed_at) return a.observed_at < b.observed_at;
  return a.number < b.number;
}

// Two optional values contradict each other only when both are known.
template <typename T>
bool contradict(const std::optional<T>& a, const std::optional<T>& b) {
  return a && b && *a != *b;
}

class Builder {
 public:
  Builder(const store::Database& db, std::int64_t case_id) : m_lookup(db, case_id) {}

  Lineage run(const store::ProcessRow& anchor, std::string_view what) {
    if (!anchor.pid && !anchor.guid) {
      throw Error(ErrorCode::invalid_input,
                  std::string(what) + " needs a process id or process GUID: observation #" +
                      std::to_string(anchor.number) + " has neither");
    }
    const int a = anchor_node(anchor);
    m_lineage.anchor = a;
    std::unordered_set<int> visited{a};

    // Ancestors: a chain, up to the first process without a known parent.
    int current = a;
    int generation = 0;
    while (auto parent = resolve_parent(current)) {
      if (visited.count(*parent)) break;  // a loop in bad data: stop rather than spin
      visited.insert(*parent);
      node(current).parent = *parent;
      node(*parent).children = {current};
      node(*parent).generation = --generation;
      current = *parent;
    }
    m_lineage.root = current;

    // Descendants, breadth first, without depth limit.
    std::deque<int> queue{a};
    while (!queue.empty()) {
      const int n = queue.front();
      queue.pop_front();
      collect_activity(n);
      for (int c : children_of(n)) {
        if (visited.count(c)) continue;
        visited.insert(c);
        node(c).parent = n;
        node(c).generation = node(n).generation + 1;
        node(n).children.push_back(c);
        queue.push_back(c);
      }
    }
    return std::move(m_lineage);
  }

 private:
  ProcessNode& node(int i) { return m_lineage.nodes[static_cast<std::size_t>(i)]; }

  bool is_member(int n, std::int64_t observation_id) {
    auto it = m_by_observation.find(observation_id);
    return it != m_by_observation.end() && it->second == n;
  }

  // The node of the process whose start `anchor` records, or of the process
  // an observation of another kind names.
  int anchor_node(const store::ProcessRow& anchor) {
    if (anchor.kind == model::Kind::process) return node_for_start(anchor);
    std::optional<store::ProcessRow> start;
    if (anchor.guid) {
      auto rows = m_lookup.starts_with_guid(*anchor.guid);
      if (!rows.empty()) start = rows.front();
    }
    if (!start && anchor.pid) {
      auto rows = m_lookup.starts_before(anchor.host_id, *anchor.pid, anchor.observed_at, 1);
      if (!rows.empty() && !contradict(rows.front().image_name, anchor.image_name) &&
          !contradict(rows.front().guid, anchor.guid)) {
        start = rows.front();
      }
    }
    if (start) return node_for_start(*start);
    // The process start was not recorded: the process is known from the
    // anchor's own fields.
    ProcessNode n;
    n.host_id = anchor.host_id;
    n.image = anchor.image;
    n.pid = anchor.pid;
    n.guid = anchor.guid;
    n.known_at = anchor.observed_at;
    m_lineage.nodes.push_back(std::move(n));
    return static_cast<int>(m_lineage.nodes.size()) - 1;
  }

  // The node of the execution `start` records, created with its pair on
  // first sight.
  int node_for_start(const store::ProcessRow& start) {
    if (auto it = m_by_observation.find(start.id); it != m_by_observation.end()) return it->second;
    std::vector<store::ProcessRow> members{start};
    if (start.pid && start.image_name) {
      for (auto& other :
           m_lookup.starts_between(start.host_id, *start.pid, start.observed_at - k_pair_tolerance,
                                   start.observed_at + k_pair_tolerance)) {
        if (other.id == start.id || other.image_name != start.image_name) continue;
        if (contradict(other.guid, start.guid)) continue;
        const bool source_taken = std::any_of(members.begin(), members.end(), [&](const auto& m) {
          return m.source == other.source;
        });
        if (source_taken) continue;
        members.push_back(std::move(other));
      }
    }
    // A member already placed (the pair seen first from its other record).
    for (const auto& m : members) {
      if (auto it = m_by_observation.find(m.id); it != m_by_observation.end()) {
        ProcessNode& existing = node(it->second);
        existing.starts.push_back(start);
        std::sort(existing.starts.begin(), existing.starts.end(), before);
        existing.started_at = existing.starts.front().observed_at;
        m_by_observation[start.id] = it->second;
        return it->second;
      }
    }
    std::sort(members.begin(), members.end(), before);
    ProcessNode n;
    n.host_id = start.host_id;
    n.started_at = members.front().observed_at;
    for (const auto& m : members) {
      if (!n.image) n.image = m.image;
      if (!n.pid) n.pid = m.pid;
      if (!n.guid) n.guid = m.guid;
    }
    n.starts = std::move(members);
    // The command line of the record that stands for the process.
    const auto number = n.number();
    for (const auto& m : n.starts) {
      if (m.number == number) n.command_line = m.command_line;
    }
    m_lineage.nodes.push_back(std::move(n));
    const int index = static_cast<int>(m_lineage.nodes.size()) - 1;
    for (const auto& m : node(index).starts) m_by_observation[m.id] = index;
    return index;
  }

  // The parent of node `n`: a recorded process, a synthetic one described by
  // n's parent fields, or nullopt when n states no parent at all.
  std::optional<int> resolve_parent(int n) {
    if (auto it = m_parent.find(n); it != m_parent.end()) return it->second;
    const std::optional<int> parent = find_parent(n);
    m_parent[n] = parent;
    return parent;
  }

  std::optional<int> find_parent(int n) {
    const ProcessNode& child = node(n);
    if (child.synthetic()) return std::nullopt;
    std::optional<std::string> parent_guid;
    std::optional<std::int64_t> parent_pid;
    std::optional<std::string> parent_image;
    std::optional<std::string> parent_command_line;
    for (const auto& s : child.starts) {
      if (!parent_guid) parent_guid = s.parent_guid;
      if (!parent_pid) parent_pid = s.parent_pid;
      if (!parent_image) parent_image = s.parent_image;
      if (!parent_command_line) parent_command_line = s.parent_command_line;
    }
    const std::int64_t host_id = child.host_id;
    const time::UtcTime started = *child.started_at;
    const std::int64_t number = *child.number();

    if (parent_guid) {
      for (const auto& row : m_lookup.starts_with_guid(*parent_guid)) {
        if (!is_member(n, row.id)) return node_for_start(row);
      }
    }
    if (parent_pid) {
      for (const auto& row : m_lookup.starts_before(host_id, *parent_pid, started, k_lookahead)) {
        if (is_member(n, row.id)) continue;
        // The latest start with that pid is the parent, unless its image or
        // GUID says it is another process (the real parent was not recorded).
        if (contradict(row.image_name, name_of(parent_image)) ||
            contradict(row.guid, parent_guid)) {
          break;
        }
        const int p = node_for_start(row);
        if (p != n) return p;
      }
    }
    if (!parent_guid && !parent_pid && !parent_image) return std::nullopt;
    return synthetic_parent(host_id, parent_image, parent_command_line, parent_pid, parent_guid,
                            number, started);
  }

  int synthetic_parent(std::int64_t host_id, const std::optional<std::string>& image,
                       const std::optional<std::string>& command_line,
                       const std::optional<std::int64_t>& pid,
                       const std::optional<std::string>& guid, std::int64_t known_from,
                       time::UtcTime known_at) {
    // Siblings describe the same unrecorded parent: one node for all of them.
    for (std::size_t i = 0; i < m_lineage.nodes.size(); ++i) {
      const ProcessNode& s = m_lineage.nodes[i];
      if (!s.synthetic() || s.host_id != host_id) continue;
      if (contradict(s.guid, guid) || contradict(s.pid, pid) ||
          contradict(name_of(s.image), name_of(image))) {
        continue;
      }
      if ((s.guid && guid) || (s.pid && pid)) return static_cast<int>(i);
    }
    ProcessNode n;
    n.host_id = host_id;
    n.image = image;
    n.command_line = command_line;
    n.pid = pid;
    n.guid = guid;
    n.known_from = known_from;
    n.known_at = known_at;
    m_lineage.nodes.push_back(std::move(n));
    return static_cast<int>(m_lineage.nodes.size()) - 1;
  }

  // When the process of node `n` ended at the latest: the next start of its
  // pid on its host (PIDs are reused only after the process exits).
  std::optional<time::UtcTime> next_start(int n) {
    // Copies: node_for_start may grow the node vector.
    const std::optional<std::int64_t> pid = node(n).pid;
    const std::int64_t host_id = node(n).host_id;
    const bool recorded = !node(n).synthetic();
    if (!pid) return std::nullopt;
    const time::UtcTime after = recorded ? node(n).starts.back().observed_at : *node(n).known_at;
    for (const auto& row : m_lookup.starts_after(host_id, *pid, after, k_lookahead)) {
      if (is_member(n, row.id)) continue;
      if (recorded && node_for_start(row) == n) continue;
      return row.observed_at;
    }
    return std::nullopt;
  }

  std::vector<int> children_of(int n) {
    std::vector<store::ProcessRow> candidates;
    const std::optional<std::string> guid = node(n).guid;
    const std::optional<std::int64_t> pid = node(n).pid;
    const std::int64_t host_id = node(n).host_id;
    if (guid) candidates = m_lookup.children_by_parent_guid(*guid);
    if (pid) {
      const time::UtcTime from = node(n).started_at.value_or(k_beginning);
      for (auto& row : m_lookup.children_by_parent_pid(host_id, *pid, from, next_start(n))) {
        candidates.push_back(std::move(row));
      }
    }
    std::sort(candidates.begin(), candidates.end(), before);
    std::vector<int> children;
    std::unordered_set<std::int64_t> seen;
    for (const auto& row : candidates) {
      if (!seen.insert(row.id).second || is_member(n, row.id)) continue;
      const int c = node_for_start(row);
      if (c == n || std::find(children.begin(), children.end(), c) != children.end()) continue;
      // The same rule in both directions: a candidate is a child only when
      // its own parent resolves to this process.
      if (resolve_parent(c) == n) children.push_back(c);
    }
    return children;
  }

  void collect_activity(int n) {
    const std::optional<std::string> guid = node(n).guid;
    const std::optional<std::int64_t> pid = node(n).pid;
    const std::optional<time::UtcTime> started = node(n).started_at;
    const std::int64_t host_id = node(n).host_id;
    std::vector<store::ObservationKey> keys;
    if (guid) keys = m_lookup.activity_by_guid(*guid);
    if (pid && started) {
      const auto end = next_start(n);
      for (const auto& k : m_lookup.activity_by_pid(host_id, *pid, *started, end)) {
        keys.push_back(k);
      }
    }
    std::sort(keys.begin(), keys.end(), [](const auto& x, const auto& y) {
      return x.observed_at != y.observed_at ? x.observed_at < y.observed_at : x.id < y.id;
    });
    keys.erase(std::unique(keys.begin(), keys.end(),
                           [](const auto& x, const auto& y) { return x.id == y.id; }),
               keys.end());
    node(n).activity = std::move(keys);
  }

  store::ProcessLookup m_lookup;
  Lineage m_lineage;
  std::unordered_map<std::int64_t, int> m_by_observation;
  std::unordered_map<int, std::optional<int>> m_parent;
};

}  // namespace

std::optional<std::int64_t> ProcessNode::number() const {
  if (starts.empty()) return std::nullopt;
  for (const auto& s : starts) {
    if (s.guid) return s.number;
  }
  return starts.front().number;
}

Lineage build_lineage(const store::Database& db, std::int64_t case_id,
                      const store::ProcessRow& anchor, std::string_view what) {
  return Builder(db, case_id).run(anchor, what);
}

std::string image_file_name(const std::string& image) {
  const auto sep = image.find_last_of("\\/");
  return sep == std::string::npos ? image : image.substr(sep + 1);
}

std::string describe_synthetic(const ProcessNode& node) {
  std::string text = node.image ? image_file_name(*node.image) : "unknown process";
  std::vector<std::string> facts;
  if (node.pid) facts.push_back("pid " + std::to_string(*node.pid));
  if (!node.pid && node.guid) facts.push_back("guid " + *node.guid);
  if (node.known_from) {
    facts.push_back("known only from #" + std::to_string(*node.known_from) + "'s parent fields");
  } else {
    facts.push_back("start not recorded");
  }
  text += " (";
  for (std::size_t i = 0; i < facts.size(); ++i) text += (i ? ", " : "") + facts[i];
  return text + ")";
}

}  // namespace casetrail::correlate
