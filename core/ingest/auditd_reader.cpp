// Raw Linux audit logs.
//
// The kernel writes one event as several records (lines) that share
// msg=audit(<epoch>.<ms>:<serial>): for an execve, SYSCALL, EXECVE (one or
// more), CWD, PATH (one per item) and PROCTITLE. Records of different events
// can interleave (several CPUs, user-space messages in between), so records
// are grouped by node and that stamp, and a group is complete when
//   - its EOE record arrives (when the log carries them), or
//   - more than k_window lines have been read after its last record, or
//   - it holds k_max_group_bytes (64 MiB) of record text, or
//   - the input ends.
// The bound: records of one event are joined while at most k_window (1024)
// lines lie between consecutive records of that event; a record that comes
// later starts a new group (an EXECVE there is then reported as having no
// SYSCALL). Memory is the records of the last 1024 lines plus the largest
// event. Events are yielded as they complete, a line that is no record at
// once; at the end of the input the open events in the order they began.
//
// Record formats: https://github.com/linux-audit/audit-documentation/wiki
// EXECVE argument encoding (quoted, hex, aN_len/aN[i] pieces): the kernel's
// audit_log_execve_info() in kernel/auditsc.c.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <deque>
#include <fstream>
#include <list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "core/ingest/auditd_record.hpp"
#include "core/ingest/fingerprint.hpp"
#include "core/ingest/native_readers.hpp"
#include "core/util/encoding.hpp"

namespace casetrail::ingest {

namespace {

constexpr std::uint64_t k_window = 1024;
constexpr std::size_t k_max_group_bytes = 64 * 1024 * 1024;
// auid, ses and ids are unsigned 32-bit; all ones means "not set".
constexpr std::string_view k_unset_id = "4294967295";

struct Line {
  std::uint64_t number = 0;
  std::string text;
  AuditRecord record;
};

struct Group {
  std::string key;
  std::vector<Line> lines;
  std::uint64_t last_line = 0;
  std::size_t bytes = 0;
};

template <typename Int>
bool to_int(std::string_view s, Int& value) {
  if (s.empty()) return false;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), value);
  return result.ec == std::errc() && result.ptr == s.data() + s.size();
}

// The execve-family syscall name for a SYSCALL record's arch and number, or
// nullopt when the pair is not one of them (or the arch is not in the table).
// Numbers from each architecture's unistd table in the kernel.
std::optional<std::string> exec_syscall_name(std::string_view arch, std::string_view number) {
  struct Entry {
    std::string_view arch;
    std::string_view execve;
    std::string_view execveat;
  };
  static constexpr Entry k_table[] = {
      {"c000003e", "59", "322"},   // x86_64
      {"40000003", "11", "358"},   // i386
      {"c00000b7", "221", "281"},  // aarch64
      {"40000028", "11", "387"},   // arm
      {"80000015", "11", "362"},   // ppc64
      {"c0000015", "11", "362"},   // ppc64le
      {"80000016", "11", "354"},   // s390x
      {"c00000f3", "221", "281"},  // riscv64
  };
  for (const auto& e : k_table) {
    if (e.arch != arch) continue;
    if (number == e.execve) return "execve";
    if (number == e.execveat) return "execveat";
    return std::nullopt;
  }
  return std::nullopt;
}

// "0x68" for session 104: the same lower-case hex form as Windows logon ids,
// so that a USER_LOGIN and the processes of its session share one logon id.
std::optional<std::string> session_logon_id(const AuditField* ses) {
  if (ses == nullptr || ses->value == k_unset_id) return std::nullopt;
  std::uint64_t value = 0;
  if (!to_int(std::string_view(ses->value), value)) return std::nullopt;
  char buf[24];
  const auto result = std::to_chars(buf, buf + sizeof buf, value, 16);
  return "0x" + std::string(buf, result.ptr);
}

const Line* first_of(const Group& group, std::string_view type) {
  for (const auto& line : group.lines) {
    if (line.record.type == type) return &line;
  }
  return nullptr;
}

// An EXECVE argument key: "a3" (whole), "a3_len", "a3[0]" (a piece).
struct ArgKey {
  enum class Kind { whole, length, piece } kind = Kind::whole;
  std::uint64_t index = 0;
  std::uint64_t piece = 0;
};

std::optional<ArgKey> parse_arg_key(std::string_view key) {
  if (key.size() < 2 || key[0] != 'a') return std::nullopt;
  std::size_t i = 1;
  while (i < key.size() && key[i] >= '0' && key[i] <= '9') ++i;
  ArgKey parsed;
  if (i == 1 || !to_int(key.substr(1, i - 1), parsed.index)) return std::nullopt;
  const std::string_view rest = key.substr(i);
  if (rest.empty()) return parsed;
  if (rest == "_len") {
    parsed.kind = ArgKey::Kind::length;
    return parsed;
  }
  if (rest.size() >= 3 && rest.front() == '[' && rest.back() == ']' &&
      to_int(rest.substr(1, rest.size() - 2), parsed.piece)) {
    parsed.kind = ArgKey::Kind::piece;
    return parsed;
  }
  return std::nullopt;
}

// The argument vector of an execve from its EXECVE records, or the reason it
// is incomplete.
Result<std::vector<std::string>> execve_arguments(const Group& group) {
  struct Split {
    std::optional<std::uint64_t> length;
    std::map<std::uint64_t, std::string> pieces;
    bool all_hex = true;
  };
  std::optional<std::uint64_t> argc;
  std::map<std::uint64_t, std::string> whole;
  std::map<std::uint64_t, Split> split;
  for (const auto& line : group.lines) {
    if (line.record.type != "EXECVE") continue;
    for (const auto& field : line.record.fields) {
      if (field.key == "argc") {
        std::uint64_t value = 0;
        if (!to_int(std::string_view(field.value), value)) {
          return unexpected("invalid EXECVE argc=" + quote(field.value));
        }
        if (!argc) argc = value;
        continue;
      }
      const auto key = parse_arg_key(field.key);
      if (!key) continue;
      switch (key->kind) {
        case ArgKey::Kind::whole:
          whole.emplace(key->index, decode_audit_string(field));
          break;
        case ArgKey::Kind::length: {
          std::uint64_t value = 0;
          if (!to_int(std::string_view(field.value), value)) {
            return unexpected("invalid EXECVE " + field.key + "=" + quote(field.value));
          }
          split[key->index].length = value;
          break;
        }
        case ArgKey::Kind::piece: {
          auto& s = split[key->index];
          if (field.quoted) s.all_hex = false;
          s.pieces.emplace(key->piece, decode_audit_string(field));
          break;
        }
      }
    }
  }
  if (!argc) return unexpected("EXECVE has no argc");
  std::vector<std::string> args;
  for (std::uint64_t i = 0; i < *argc; ++i) {
    const std::string name = "a" + std::to_string(i);
    if (const auto w = whole.find(i); w != whole.end()) {
      args.push_back(w->second);
      continue;
    }
    const auto s = split.find(i);
    if (s == split.end()) {
      return unexpected("EXECVE argc=" + std::to_string(*argc) + " but " + name + " is missing");
    }
    std::string joined;
    std::uint64_t expected_piece = 0;
    for (const auto& [piece, text] : s->second.pieces) {
      if (piece != expected_piece) break;
      joined += text;
      ++expected_piece;
    }
    if (expected_piece != s->second.pieces.size() || s->second.pieces.empty()) {
      return unexpected("EXECVE " + name + "[" + std::to_string(expected_piece) + "] is missing");
    }
    // The kernel states the length of the argument, doubled when it is
    // written in hex (older kernels) or as the bytes themselves.
    if (const auto length = s->second.length) {
      const bool matches = *length == joined.size() ||
                           (s->second.all_hex && *length == 2 * joined.size());
      if (!matches) {
        return unexpected("EXECVE " + name + "_len=" + std::to_string(*length) + " but its pieces hold " +
                          std::to_string(joined.size()) + " bytes");
      }
    }
    args.push_back(std::move(joined));
  }
  return args;
}

class AuditdReader final : public RecordReader {
public:
  AuditdReader(std::unique_ptr<std::istream> input, std::string display, ReaderOptions options)
      : m_input(std::move(input)), m_display(std::move(display)), m_options(std::move(options)) {}

  std::optional<ReadItem> next() override {
    while (m_ready.empty()) {
      if (m_eof) {
        if (m_open.empty()) return std::nullopt;
        flush_all();
        continue;
      }
      read_line();
    }
    ReadItem item = std::move(m_ready.front());
    m_ready.pop_front();
    return item;
  }

  std::uint64_t bytes_read() const override { return m_bytes; }

private:
  void read_line() {
    std::string text;
    if (!std::getline(*m_input, text)) {
      m_eof = true;
      return;
    }
    ++m_line_number;
    m_bytes += text.size() + (m_input->eof() ? 0 : 1);
    if (text.find_first_not_of(" \t\r") == std::string::npos) return;

    auto parsed = parse_audit_record(text);
    if (!parsed) {
      ReadItem item;
      item.type = ReadItem::Type::rejected;
      item.place = m_display + ":" + std::to_string(m_line_number);
      item.reason = "not an auditd record: " + parsed.error();
      item.raw = std::move(text);
      m_ready.push_back(std::move(item));
      expire();
      return;
    }
    std::string key = parsed->node.value_or("");
    key += '\x1f';
    key += parsed->timestamp;
    key += ':';
    key += std::to_string(parsed->serial);

    auto found = m_index.find(key);
    if (found == m_index.end()) {
      m_open.push_back(Group{key, {}, 0, 0});
      found = m_index.emplace(key, std::prev(m_open.end())).first;
    } else {
      m_open.splice(m_open.end(), m_open, found->second);
    }
    Group& group = *found->second;
    const bool end_of_event = parsed->type == "EOE";
    group.bytes += text.size();
    group.last_line = m_line_number;
    group.lines.push_back(Line{m_line_number, std::move(text), std::move(*parsed)});
    if (end_of_event || group.bytes >= k_max_group_bytes) close(found->second);
    expire();
  }

  // Completes the groups that have seen no record for k_window lines.
  void expire() {
    while (!m_open.empty() && m_line_number - m_open.front().last_line > k_window) {
      close(m_open.begin());
    }
  }

  void flush_all() {
    std::vector<std::list<Group>::iterator> order;
    for (auto it = m_open.begin(); it != m_open.end(); ++it) order.push_back(it);
    std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
      return a->lines.front().number < b->lines.front().number;
    });
    for (auto it : order) close(it);
  }

  void close(std::list<Group>::iterator it) {
    Group group = std::move(*it);
    m_index.erase(group.key);
    m_open.erase(it);
    m_ready.push_back(to_item(group));
  }

  ReadItem to_item(const Group& group) {
    const AuditRecord& first = group.lines.front().record;
    ReadItem item;
    item.place = m_display + ":" + std::to_string(group.lines.front().number) + " (serial " +
                 std::to_string(first.serial) + ")";
    for (const auto& line : group.lines) {
      if (!item.raw.empty()) item.raw += '\n';
      item.raw += line.text;
    }

    const Line* execve = first_of(group, "EXECVE");
    const Line* syscall = first_of(group, "SYSCALL");
    const Line* login = first_of(group, "USER_LOGIN");
    if (login == nullptr) login = first_of(group, "USER_AUTH");

    auto reject = [&](std::string reason) {
      item.type = ReadItem::Type::rejected;
      item.reason = std::move(reason);
      return std::move(item);
    };
    auto skip = [&](std::string_view type) {
      item.type = ReadItem::Type::skipped;
      item.skipped_source = "auditd " + std::string(type);
      return std::move(item);
    };

    if (execve != nullptr && syscall == nullptr) {
      return reject("EXECVE without its SYSCALL record (serial " + std::to_string(first.serial) +
                    "): the executable, pid and account are unknown");
    }
    if (syscall != nullptr && execve == nullptr) return skip("SYSCALL");
    if (execve == nullptr && login == nullptr) {
      // The event's own type, not the EOE that may close it.
      std::string_view type = first.type;
      for (const auto& line : group.lines) {
        if (line.record.type != "EOE") {
          type = line.record.type;
          break;
        }
      }
      return skip(type);
    }

    std::optional<std::string> host;
    for (const auto& line : group.lines) {
      if (line.record.node && !line.record.node->empty()) {
        host = line.record.node;
        break;
      }
    }
    if (!host) host = m_options.host;
    if (!host) return reject("auditd record has no node= and no --host was given");

    auto observation = execve != nullptr ? execution(group, syscall->record)
                                         : logon(login->record);
    if (!observation) return reject(observation.error());

    model::NewObservation& obs = *observation;
    obs.observed.utc = time::UtcTime(std::chrono::seconds(first.seconds) +
                                     std::chrono::milliseconds(first.milliseconds));
    obs.observed.offset_seconds = 0;
    obs.observed.fraction_digits = 3;
    obs.observed.form = time::TimeForm::epoch;
    obs.observed.original = first.timestamp;
    obs.time_source = "auditd epoch";
    obs.host = *host;
    obs.host_platform = "linux";
    obs.source.ref = "audit " + std::to_string(first.serial);
    // The event's identity (host, stamp, serial) and its content: the same
    // event in an overlapping export has the same fingerprint. The serial
    // numbers the event, so it is a 16-byte Digest like every other
    // numbered record's (fingerprint.hpp).
    obs.source.fingerprint = Digest()
                                 .add("auditd")
                                 .add(*host)
                                 .add(first.timestamp)
                                 .add(static_cast<std::int64_t>(first.serial))
                                 .add(item.raw)
                                 .finish();
    obs.raw = item.raw;
    item.type = ReadItem::Type::observation;
    item.observation = std::move(obs);
    return item;
  }

  // SYSCALL + EXECVE (+ CWD, PATH, PROCTITLE) as one process execution.
  // auditd has no original command line: it is the arguments joined with
  // single spaces; PROCTITLE (capped by the kernel) stays in the attributes.
  static Result<model::NewObservation> execution(const Group& group, const AuditRecord& sc) {
    auto args = execve_arguments(group);
    if (!args) return unexpected(args.error());

    model::NewObservation obs;
    obs.kind = model::Kind::process;
    obs.source.name = "auditd EXECVE";
    model::ProcessDetails process;

    if (const auto* exe = sc.field("exe")) {
      process.image = decode_audit_string(*exe);
    } else {
      for (const auto& line : group.lines) {
        const auto* item = line.record.field("item");
        const auto* name = line.record.field("name");
        if (line.record.type == "PATH" && item != nullptr && item->value == "0" && name != nullptr) {
          process.image = decode_audit_string(*name);
          break;
        }
      }
    }
    if (!process.image) return unexpected("SYSCALL has no exe=");

    const auto* pid = sc.field("pid");
    std::int64_t pid_value = 0;
    if (pid == nullptr || !to_int(std::string_view(pid->value), pid_value)) {
      return unexpected(pid == nullptr ? "SYSCALL has no pid="
                                       : "invalid SYSCALL pid=" + quote(pid->value));
    }
    process.pid = pid_value;
    if (const auto* ppid = sc.field("ppid")) {
      std::int64_t value = 0;
      if (!to_int(std::string_view(ppid->value), value)) {
        return unexpected("invalid SYSCALL ppid=" + quote(ppid->value));
      }
      process.parent_pid = value;
    }

    std::string command_line;
    for (const auto& arg : *args) {
      if (!command_line.empty() || &arg != &args->front()) command_line += ' ';
      command_line += arg;
    }
    process.command_line = std::move(command_line);
    process.args = std::move(*args);
    process.args_source = "source";

    if (const Line* cwd = first_of(group, "CWD")) {
      if (const auto* f = cwd->record.field("cwd")) process.cwd = decode_audit_string(*f);
    }
    process.logon_id = session_logon_id(sc.field("ses"));

    const auto* auid = sc.field("auid");
    const auto* uid = sc.field("uid");
    if (uid != nullptr) {
      const auto* uid_name = sc.enriched_field("UID");
      process.user = uid_name != nullptr ? uid_name->value : uid->value;
    }
    // The login uid names who is acting (it survives su and sudo); a daemon
    // started before any login has none, and then the uid does.
    if (auid != nullptr && auid->value != k_unset_id) {
      const auto* name = sc.enriched_field("AUID");
      obs.account = name != nullptr ? name->value : auid->value;
      obs.account_sid = auid->value;
    } else if (uid != nullptr) {
      const auto* name = sc.enriched_field("UID");
      obs.account = name != nullptr ? name->value : uid->value;
      obs.account_sid = uid->value;
    }

    auto add = [&](std::string key, const AuditField* f) {
      if (f != nullptr) obs.attrs.emplace_back(std::move(key), f->value);
    };
    add("auid", auid);
    add("uid", uid);
    add("euid", sc.field("euid"));
    add("tty", sc.field("tty"));
    add("session", sc.field("ses"));
    if (const auto* comm = sc.field("comm")) obs.attrs.emplace_back("comm", decode_audit_string(*comm));
    if (const auto* key = sc.field("key"); key != nullptr && key->value != "(null)") {
      obs.attrs.emplace_back("key", decode_audit_string(*key));
    }
    if (const auto* name = sc.enriched_field("SYSCALL")) {
      obs.attrs.emplace_back("syscall", name->value);
    } else if (const auto* number = sc.field("syscall")) {
      const auto* arch = sc.field("arch");
      obs.attrs.emplace_back("syscall",
                             exec_syscall_name(arch != nullptr ? arch->value : "", number->value)
                                 .value_or(number->value));
    }
    if (const Line* title = first_of(group, "PROCTITLE")) {
      if (const auto* f = title->record.field("proctitle")) {
        // NUL-separated arguments, shown space-separated.
        std::string text = decode_audit_string(*f);
        while (!text.empty() && text.back() == '\0') text.pop_back();
        std::replace(text.begin(), text.end(), '\0', ' ');
        obs.attrs.emplace_back("proctitle", std::move(text));
      }
    }
    obs.process = std::move(process);
    return obs;
  }

  // USER_LOGIN / USER_AUTH (user-space messages from login, sshd, PAM) as a
  // logon or a failed one.
  static Result<model::NewObservation> logon(const AuditRecord& rec) {
    const auto* res = rec.field("res");
    if (res == nullptr) return unexpected(rec.type + " has no res=");
    model::NewObservation obs;
    obs.kind = model::Kind::logon;
    obs.source.name = "auditd " + rec.type;
    if (res->value == "success" || res->value == "yes") {
      obs.attrs.emplace_back("event", "logon");
    } else if (res->value == "failed" || res->value == "no") {
      obs.attrs.emplace_back("event", "logon_failed");
    } else {
      return unexpected("invalid " + rec.type + " res=" + quote(res->value) +
                        ": expected success or failed");
    }

    auto known = [](const AuditField* f) { return f != nullptr && f->value != "?" && !f->value.empty(); };
    const auto* acct = rec.field("acct");
    const auto* id = rec.field("id");
    const bool id_known = known(id) && id->value != k_unset_id;
    if (known(acct)) {
      obs.account = decode_audit_string(*acct);
    } else if (const auto* name = rec.enriched_field("ID"); name != nullptr && id_known) {
      obs.account = name->value;
    } else if (id_known) {
      obs.account = id->value;
    }
    if (id_known) obs.account_sid = id->value;

    const auto* addr = rec.field("addr");
    if (known(addr)) obs.attrs.emplace_back("source_address", addr->value);
    if (const auto* hostname = rec.field("hostname");
        known(hostname) && (!known(addr) || hostname->value != addr->value)) {
      obs.attrs.emplace_back("source_hostname", hostname->value);
    }
    if (const auto* terminal = rec.field("terminal"); known(terminal)) {
      obs.attrs.emplace_back("terminal", terminal->value);
    }
    if (const auto* op = rec.field("op"); known(op)) obs.attrs.emplace_back("op", op->value);
    obs.attrs.emplace_back("res", res->value);
    for (const char* key : {"auid", "uid"}) {
      if (const auto* f = rec.field(key)) obs.attrs.emplace_back(key, f->value);
    }
    if (const auto* ses = rec.field("ses")) obs.attrs.emplace_back("session", ses->value);

    model::ProcessDetails process;
    if (const auto* exe = rec.field("exe"); known(exe)) process.image = decode_audit_string(*exe);
    if (const auto* pid = rec.field("pid")) {
      std::int64_t value = 0;
      if (to_int(std::string_view(pid->value), value)) process.pid = value;
    }
    process.logon_id = session_logon_id(rec.field("ses"));
    obs.process = std::move(process);
    return obs;
  }

  std::unique_ptr<std::istream> m_input;
  std::string m_display;
  ReaderOptions m_options;
  bool m_eof = false;
  std::uint64_t m_line_number = 0;
  std::uint64_t m_bytes = 0;
  std::list<Group> m_open;  // least recently extended first
  std::unordered_map<std::string, std::list<Group>::iterator> m_index;
  std::deque<ReadItem> m_ready;
};

std::string display_name(const std::string& path, const ReaderOptions& options) {
  return options.display_path.empty() ? path : options.display_path;
}

}  // namespace

std::unique_ptr<RecordReader> make_auditd_reader(std::unique_ptr<std::istream> input,
                                                 const std::string& display_path,
                                                 const ReaderOptions& options) {
  return std::make_unique<AuditdReader>(std::move(input), display_name(display_path, options),
                                        options);
}

std::unique_ptr<RecordReader> make_auditd_reader(const std::string& path,
                                                 const ReaderOptions& options) {
  auto file = std::make_unique<std::ifstream>(path, std::ios::binary);
  if (!*file) {
    throw Error(ErrorCode::io, "cannot open " + quote(display_name(path, options)));
  }
  return make_auditd_reader(std::move(file), path, options);
}

}  // namespace casetrail::ingest
