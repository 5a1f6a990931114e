-- 0006 report: every handoff report casetrail issues, so that the next one
-- can say what was logged or changed since (report --since last).

-- One row per report issued: when, by whom, in which format, and the state of
-- the case at that moment. last_observation_id and last_audit_id are the
-- highest row ids of the case's observations and audit records then (0 when
-- none): what came after them is new, whatever the clocks said. chain_head is
-- the case's hash-chain head in hex, NULL when the build that issued the
-- report had no hash chain. sha256 is that of the report's bytes.
CREATE TABLE report_issue (
  id                  INTEGER PRIMARY KEY,
  case_id             INTEGER NOT NULL REFERENCES case_file (id),
  issued_at           INTEGER NOT NULL,
  issued_by           TEXT NOT NULL,
  format              TEXT NOT NULL CHECK (format IN ('md', 'html')),
  observations        INTEGER NOT NULL,
  last_observation_id INTEGER NOT NULL,
  last_audit_id       INTEGER NOT NULL,
  chain_head          TEXT,
  sha256              TEXT NOT NULL
) STRICT;
CREATE INDEX report_issue_case ON report_issue (case_id, id);

-- Exports carry each observation's chain link in time order: a point query
-- by record (the primary key is by position).
CREATE INDEX chain_link_record ON chain_link (case_id, kind, record_id);
