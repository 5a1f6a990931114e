#pragma once
// One line of a raw Linux audit log, split into its fields.
// Format: [node=NAME ]type=TYPE msg=audit(EPOCH.MS:SERIAL): key=value ...
// then, in the enriched format (auditd.conf log_format = ENRICHED), a 0x1D
// byte and the interpreted fields in upper case (AUID="alice" ...).
// References: https://github.com/linux-audit/audit-documentation/wiki/SPEC-Writing-Good-Events
// and the field dictionary
// https://github.com/linux-audit/audit-documentation/blob/main/specs/fields/field-dictionary.csv

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace casetrail::ingest {

struct AuditField {
  std::string key;
  std::string value;    // as written, without the surrounding quotes
  bool quoted = false;  // written in double quotes
};

struct AuditRecord {
  std::optional<std::string> node;
  std::string type;        // "SYSCALL", "EXECVE", "UNKNOWN[1334]"
  std::string timestamp;   // "1604996384.965", as written
  std::int64_t seconds = 0;
  int milliseconds = 0;
  std::uint64_t serial = 0;
  // Fields after the msg=audit(...): header, in order; the fields of a
  // user-space message (msg='op=login acct="bob" ... res=failed') follow the
  // outer ones, flattened.
  std::vector<AuditField> fields;
  // Enriched fields (after 0x1D), in order.
  std::vector<AuditField> enriched;

  // The first field with that key, or nullptr.
  const AuditField* field(std::string_view key) const;
  const AuditField* enriched_field(std::string_view key) const;
};

// Splits one line (without its line terminator; a final "\r" is ignored).
// Returns the record, or the reason it is not one: "no type=", "no
// msg=audit(...)", "invalid msg=audit(...) \"...\": expected
// audit(<epoch seconds>.<milliseconds>:<serial>)" (which is what ausearch -i
// output, with local times, gets).
Result<AuditRecord> parse_audit_record(std::string_view line);

// The value of a field that holds untrusted text (exe, comm, cwd, name,
// proctitle, acct, key, EXECVE arguments): the kernel writes it in double
// quotes when it is plain, and as unquoted hex when it contains a space, a
// double quote, a control byte or a byte above 0x7e. Returns the quoted text
// as is, the hex decoded, and anything else ("(null)", "?") as written.
std::string decode_audit_string(const AuditField& field);

}  // namespace casetrail::ingest
