#pragma once
// Elastic Common Schema documents (https://www.elastic.co/guide/en/ecs/current/)
// as Elastic Agent, Winlogbeat, Auditbeat and Filebeat write them:
// - NDJSON: one document per line (streamed, constant memory);
// - a JSON array of documents (streamed element by element);
// - an Elasticsearch search response, hits.hits[]._source
//   (https://www.elastic.co/guide/en/elasticsearch/reference/current/search-search.html#search-api-response-body),
//   or one document spread over several lines: such a file is read whole (a
//   search response is bounded by the search's page size, 10,000 hits by
//   default). Several multi-line documents one after another are not read:
//   write them one per line (NDJSON) or as an array.
//
// Kinds: process start (event.category process, event.type start), logon
// (authentication), network, DNS (dns.question.name), file creation,
// registry, library/image load; anything else is skipped and counted. Fields
// follow ECS: @timestamp, event.*, process.* with process.args taken as the
// source lists them, process.parent.*, user.*, host.*, threat.technique.*;
// Winlogbeat's winlog.* gives the source name ("Sysmon 1", "Security 4688"),
// the record id and the logon id.

#include <memory>
#include <string>
#include <string_view>

#include "core/ingest/reader.hpp"

namespace casetrail::ingest {

std::unique_ptr<RecordReader> make_ecs_reader(const std::string& path, const ReaderOptions& options);

// Content sniffing: the file starts with '{' or '['.
bool looks_like_json(std::string_view head);

}  // namespace casetrail::ingest
