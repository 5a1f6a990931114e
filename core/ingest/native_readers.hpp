#pragma once
// Readers for Windows .evtx files, Windows event XML and raw Linux auditd
// logs. Each yields ReadItems in file order (auditd: as its events complete);
// a bad record is a rejected item with its place and reason, never an
// exception, and the rest of the file is still read.

#include <istream>
#include <memory>
#include <string>

#include "core/ingest/reader.hpp"

namespace casetrail::ingest {

// A Windows .evtx file, read with libevtx: every record (and every record
// libevtx recovers from damaged chunks or free space) as a windows_event item
// whose raw is the record's XML as libevtx renders it, place
// "<file> record <EventRecordID>" (" (recovered)" appended for recovered
// ones). Damage is reported as rejected items: a record libevtx cannot decode
// ("<file> chunk 0 record number 2 (offset 0x20c0)"), a record the chunk
// header lists but that cannot be found, and a chunk whose checksums do not
// match or that the file ends inside ("<file> chunk 3 (offset 0x31000)").
// Undecodable remnants in a chunk's free space (old records partly
// overwritten) are skipped items, skipped_source "evtx unreadable record
// remnant". Throws Error(io) when the file cannot be opened or is not an
// .evtx file.
std::unique_ptr<RecordReader> make_evtx_reader(const std::string& path,
                                               const ReaderOptions& options);

// Windows event XML: one or many <Event> elements, wrapped in <Events> or
// simply concatenated, in UTF-8 (with or without BOM) or UTF-16 (with BOM,
// transcoded to UTF-8). Streams: each event is cut out by a small scanner and
// parsed alone, so a huge export is never one DOM and a malformed event is one
// rejected item. Items are windows_event, raw = the <Event>...</Event> text
// verbatim, place "<file>:<line>" of its "<Event" (1-based), or
// "<file>:<line>:<column>" when an earlier event started on the same line.
// Text outside any <Event> (other than a declaration, comments and the
// <Events> wrapper) is a rejected item. Throws Error(io) when the file cannot
// be opened.
std::unique_ptr<RecordReader> make_xml_reader(const std::string& path,
                                              const ReaderOptions& options);

// Raw Linux auditd logs (/var/log/audit/audit.log, raw or enriched format).
// Records are grouped into events by node and msg=audit(<epoch>:<serial>);
// see auditd_reader.cpp for the window that bounds the grouping. An execve
// event (SYSCALL + EXECVE [+ CWD, PATH, PROCTITLE]) becomes a kind process
// observation (source "auditd EXECVE"); USER_LOGIN and USER_AUTH become kind
// logon observations; every other event is a skipped item
// ("auditd CRED_DISP"). Throws Error(io) when the file cannot be opened.
std::unique_ptr<RecordReader> make_auditd_reader(const std::string& path,
                                                 const ReaderOptions& options);

// The same readers over a stream instead of a file (tests and fuzzing);
// `display_path` names the input in places when options.display_path is empty.
std::unique_ptr<RecordReader> make_xml_reader(std::unique_ptr<std::istream> input,
                                              const std::string& display_path,
                                              const ReaderOptions& options);
std::unique_ptr<RecordReader> make_auditd_reader(std::unique_ptr<std::istream> input,
                                                 const std::string& display_path,
                                                 const ReaderOptions& options);

}  // namespace casetrail::ingest
