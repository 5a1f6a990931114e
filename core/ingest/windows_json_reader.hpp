#pragma once
// Flat Windows event JSON lines, as log pipelines (Kafka/Logstash, NXLog)
// write them and as in ../shared/datasets/otrf/: one JSON object per line
// with EventID, Channel, Hostname, TimeCreated, Message and every EventData
// field at top level (or under "EventData" / "event_data"). Pipeline fields
// (@timestamp, EventReceivedTime, Message, ...) are kept in the raw record
// but are not event data. @timestamp is the pipeline's time (in the OTRF
// sample the collector's local time labelled Z) and is never taken as the
// event's time: TimeCreated (or NXLog's EventTime) is.

#include <memory>
#include <string>
#include <string_view>

#include "core/ingest/reader.hpp"

namespace casetrail::ingest {

std::unique_ptr<RecordReader> make_windows_json_reader(const std::string& path,
                                                       const ReaderOptions& options);

// Content sniffing for format detection: the first object of `head` (the
// start of the file) has EventID or Channel at top level.
bool looks_like_windows_json(std::string_view head);

}  // namespace casetrail::ingest
