-- 0004 correlate: what the correlator looks up besides host, account and case
-- time ranges (those have their indexes in 0001): process starts by pid,
-- children by parent pid, logon sessions by logon id, each on one host and
-- in time order; and process GUIDs.
--
-- A pid or a logon id only means something on its host, and host and time
-- live in observation while pid and logon id live in process. No SQLite index
-- spans two tables, so process_key keeps the columns side by side: one row
-- per process row, filled by a trigger, never updated (observations are
-- append-only). It is a projection that can be rebuilt from observation and
-- process at any time (see the INSERT at the end). Without it, a lookup such
-- as "the logon that opened session 0x3e7 on ws1" reads every row with that
-- logon id on every host.

CREATE TABLE process_key (
  observation_id INTEGER PRIMARY KEY REFERENCES observation (id),
  host_id        INTEGER NOT NULL REFERENCES host (id),
  observed_at    INTEGER NOT NULL,
  kind           TEXT NOT NULL,
  pid            INTEGER,
  parent_pid     INTEGER,
  logon_id       TEXT,
  -- For kind logon: attrs.event (logon, logoff, ...), to tell the logon that
  -- opened a session from the logoff that closed it.
  logon_event    TEXT
) STRICT;

-- Process starts with a pid on a host, in time order: the parent of a child
-- (the latest start before it: PIDs are reused), the next start that ends a
-- process's life, the Sysmon 1 / Security 4688 pair of one execution.
CREATE INDEX process_key_start ON process_key (host_id, pid, observed_at) WHERE kind = 'process';
-- Everything else a pid did on a host (network, file, ... of one process).
CREATE INDEX process_key_activity ON process_key (host_id, pid, observed_at)
  WHERE kind <> 'process';
-- Children by parent pid on a host.
CREATE INDEX process_key_parent ON process_key (host_id, parent_pid, observed_at)
  WHERE kind = 'process';
-- Members of a logon session on a host, and the logon that opened it.
CREATE INDEX process_key_logon ON process_key (host_id, logon_id, observed_at);
CREATE INDEX process_key_logon_event ON process_key (host_id, logon_id, observed_at)
  WHERE kind = 'logon';

-- Process GUIDs (Sysmon ProcessGuid, ECS entity_id) are unique: lineage
-- follows them directly.
CREATE INDEX process_guid ON process (guid);
CREATE INDEX process_parent_guid ON process (parent_guid);

CREATE TRIGGER process_key_insert AFTER INSERT ON process
BEGIN
  INSERT INTO process_key (observation_id, host_id, observed_at, kind, pid, parent_pid, logon_id,
                           logon_event)
  SELECT o.id, o.host_id, o.observed_at, o.kind, NEW.pid, NEW.parent_pid, NEW.logon_id,
         CASE WHEN o.kind = 'logon' AND json_valid(o.attrs) THEN json_extract(o.attrs, '$.event') END
  FROM observation o WHERE o.id = NEW.observation_id;
END;

-- Rows logged before this migration.
INSERT INTO process_key (observation_id, host_id, observed_at, kind, pid, parent_pid, logon_id,
                         logon_event)
SELECT o.id, o.host_id, o.observed_at, o.kind, p.pid, p.parent_pid, p.logon_id,
       CASE WHEN o.kind = 'logon' AND json_valid(o.attrs) THEN json_extract(o.attrs, '$.event') END
FROM process p JOIN observation o ON o.id = p.observation_id;
