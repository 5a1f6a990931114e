-- casetrail's current schema, reviewed. Every migrations/NNNN_*.sql applied in
-- order to an empty database yields exactly this (tests/test_store_schema.cpp).


CREATE TABLE case_file (
  id          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL UNIQUE,
  title       TEXT NOT NULL,
  severity    TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'contained', 'closed')),
  lead        TEXT,
  time_zone   TEXT,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  closed_at   INTEGER
) STRICT;

-- Hosts per case, keyed by the canonical (lower-case short) name.
CREATE TABLE host (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES case_file (id),
  canonical   TEXT NOT NULL,
  fqdn        TEXT,
  platform    TEXT,
  first_name  TEXT NOT NULL,
  UNIQUE (case_id, canonical)
) STRICT;

-- Accounts per case, keyed by the canonical lower-case domain\user.
CREATE TABLE account (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES case_file (id),
  canonical   TEXT NOT NULL,
  domain      TEXT,
  user_name   TEXT NOT NULL,
  sid         TEXT,
  first_name  TEXT NOT NULL,
  UNIQUE (case_id, canonical)
) STRICT;

-- One row per `casetrail import` of one file: the chain of custody.
CREATE TABLE import_run (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES case_file (id),
  path        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  size        INTEGER NOT NULL,
  format      TEXT NOT NULL,
  analyst     TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  counts      TEXT
) STRICT;
CREATE INDEX import_run_case ON import_run (case_id);

-- Evidence. Append-only: the tool never updates or deletes a row here.
CREATE TABLE observation (
  id               INTEGER PRIMARY KEY,
  case_id          INTEGER NOT NULL REFERENCES case_file (id),
  number           INTEGER NOT NULL,
  uuid             TEXT NOT NULL UNIQUE,
  kind             TEXT NOT NULL CHECK (kind IN ('process', 'logon', 'network', 'file', 'registry',
                                                 'dns', 'image_load', 'email', 'web', 'note')),
  observed_at      INTEGER NOT NULL,
  observed_offset  INTEGER NOT NULL,
  observed_text    TEXT NOT NULL,
  time_precision   INTEGER NOT NULL CHECK (time_precision BETWEEN 0 AND 6),
  time_zone        TEXT,
  time_source      TEXT NOT NULL,
  skew_us          INTEGER,
  host_id          INTEGER NOT NULL REFERENCES host (id),
  host_observed    TEXT NOT NULL,
  account_id       INTEGER REFERENCES account (id),
  account_observed TEXT,
  source           TEXT NOT NULL,
  source_ref       TEXT,
  import_run_id    INTEGER REFERENCES import_run (id),
  fingerprint      BLOB,
  analyst          TEXT NOT NULL,
  logged_at        INTEGER NOT NULL,
  note             TEXT,
  raw              BLOB,
  raw_codec        TEXT NOT NULL DEFAULT 'identity' CHECK (raw_codec IN ('identity', 'zstd')),
  attrs            TEXT,
  UNIQUE (case_id, number),
  UNIQUE (case_id, fingerprint)
) STRICT;
CREATE INDEX observation_case_time ON observation (case_id, observed_at);
CREATE INDEX observation_host_time ON observation (host_id, observed_at);
CREATE INDEX observation_account_time ON observation (account_id, observed_at);
CREATE INDEX observation_import_run ON observation (import_run_id);

-- Process details of an observation. Command lines are BLOBs: stored and
-- returned byte for byte, whatever their encoding.
CREATE TABLE process (
  observation_id      INTEGER PRIMARY KEY REFERENCES observation (id),
  image               TEXT,
  image_name          TEXT,
  command_line        BLOB,
  args                TEXT,
  args_source         TEXT CHECK (args_source IN ('source', 'windows', 'posix')),
  pid                 INTEGER,
  guid                TEXT,
  parent_image        TEXT,
  parent_command_line BLOB,
  parent_pid          INTEGER,
  parent_guid         TEXT,
  cwd                 TEXT,
  logon_id            TEXT,
  integrity_level     TEXT,
  hashes              TEXT,
  user                TEXT
) STRICT;

CREATE TABLE observation_technique (
  observation_id INTEGER NOT NULL REFERENCES observation (id),
  technique_id   TEXT NOT NULL CHECK (technique_id GLOB 'T[0-9][0-9][0-9][0-9]'
                                      OR technique_id GLOB 'T[0-9][0-9][0-9][0-9].[0-9][0-9][0-9]'),
  attack_release TEXT,
  PRIMARY KEY (observation_id, technique_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX observation_technique_technique ON observation_technique (technique_id);

-- Current status where it is not 'unverified' (no row means unverified): a
-- projection of the audit trail kept for filtering, rebuilt from it by verify.
CREATE TABLE observation_state (
  observation_id INTEGER PRIMARY KEY REFERENCES observation (id),
  status         TEXT NOT NULL CHECK (status IN ('verified', 'benign', 'false_positive')),
  changed_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX observation_state_status ON observation_state (status);

-- Every change after logging: who, when, old, new, why.
CREATE TABLE audit (
  id             INTEGER PRIMARY KEY,
  case_id        INTEGER NOT NULL REFERENCES case_file (id),
  observation_id INTEGER REFERENCES observation (id),
  action         TEXT NOT NULL CHECK (action IN ('status', 'note', 'tag', 'technique', 'correction',
                                                 'case_status')),
  field          TEXT,
  old_value      TEXT,
  new_value      TEXT,
  reason         TEXT,
  analyst        TEXT NOT NULL,
  at             INTEGER NOT NULL,
  attack_release TEXT  -- the ATT&CK release a technique added by `obs tag` was checked against
) STRICT;
CREATE INDEX audit_case ON audit (case_id, id);
CREATE INDEX audit_observation ON audit (observation_id, id);

-- The ATT&CK catalogue, imported from a MITRE STIX bundle
-- (casetrail attack import). One catalogue per case database; an import
-- replaces all of it in one transaction. Observations do not reference these
-- rows: observation_technique keeps the ID and the release it was checked
-- against, so a later release never rewrites evidence.

-- The release the catalogue holds: at most one row.
CREATE TABLE attack_release (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  version         TEXT NOT NULL,
  version_source  TEXT NOT NULL CHECK (version_source IN ('collection', 'option', 'unknown')),
  label           TEXT NOT NULL,
  newest_modified INTEGER NOT NULL,
  spec_version    TEXT NOT NULL,
  file_name       TEXT NOT NULL,
  file_sha256     TEXT NOT NULL,
  file_size       INTEGER NOT NULL,
  imported_at     INTEGER NOT NULL,
  imported_by     TEXT NOT NULL
) STRICT;

-- Tactics with their position in the matrix (x-mitre-matrix tactic_refs).
CREATE TABLE attack_tactic (
  id           INTEGER PRIMARY KEY,
  attack_id    TEXT NOT NULL UNIQUE CHECK (attack_id GLOB 'TA[0-9][0-9][0-9][0-9]'),
  shortname    TEXT NOT NULL UNIQUE,
  name         TEXT NOT NULL,
  description  TEXT NOT NULL,
  matrix_order INTEGER NOT NULL UNIQUE
) STRICT;

-- Techniques and sub-techniques. parent_id and replaced_by point into this
-- table; they are checked at commit (DEFERRABLE) so rows go in in any order.
CREATE TABLE attack_technique (
  id          INTEGER PRIMARY KEY,
  attack_id   TEXT NOT NULL UNIQUE CHECK (attack_id GLOB 'T[0-9][0-9][0-9][0-9]'
                                          OR attack_id GLOB 'T[0-9][0-9][0-9][0-9].[0-9][0-9][0-9]'),
  stix_id     TEXT NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL,
  parent_id   INTEGER REFERENCES attack_technique (id) DEFERRABLE INITIALLY DEFERRED,
  revoked     INTEGER NOT NULL CHECK (revoked IN (0, 1)),
  deprecated  INTEGER NOT NULL CHECK (deprecated IN (0, 1)),
  replaced_by INTEGER REFERENCES attack_technique (id) DEFERRABLE INITIALLY DEFERRED,
  version     TEXT,
  modified    INTEGER
) STRICT;
CREATE INDEX attack_technique_parent ON attack_technique (parent_id);
CREATE INDEX attack_technique_replaced_by ON attack_technique (replaced_by);

CREATE TABLE attack_technique_tactic (
  technique_id INTEGER NOT NULL REFERENCES attack_technique (id),
  tactic_id    INTEGER NOT NULL REFERENCES attack_tactic (id),
  PRIMARY KEY (technique_id, tactic_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX attack_technique_tactic_tactic ON attack_technique_tactic (tactic_id);

-- Platforms as ATT&CK spells them (Windows, macOS, PRE), in the file's order.
CREATE TABLE attack_technique_platform (
  technique_id INTEGER NOT NULL REFERENCES attack_technique (id),
  position     INTEGER NOT NULL,
  platform     TEXT NOT NULL,
  PRIMARY KEY (technique_id, position)
) STRICT, WITHOUT ROWID;

-- Where ATT&CK says a technique can be seen: from v18 a data component
-- (DC0032 Process Creation) with a log source name and channel
-- (WinEventLog:Sysmon, EventCode=1); up to v17 a data source string
-- ("Process: Process Creation") with no ID, name or channel.
CREATE TABLE attack_log_source (
  id                INTEGER PRIMARY KEY,
  technique_id      INTEGER NOT NULL REFERENCES attack_technique (id),
  data_component_id TEXT,
  data_component    TEXT NOT NULL,
  data_source       TEXT,
  name              TEXT,
  channel           TEXT
) STRICT;
CREATE INDEX attack_log_source_technique ON attack_log_source (technique_id);
-- The same process creation reported by Sysmon 1 and by Security 4688 stays
-- two observations (two pieces of evidence); a link says they are one
-- execution. Stored in both directions, so that an observation's links are
-- one range of the primary key. delta_us: linked.observed_at minus
-- observation.observed_at, after skew correction.
CREATE TABLE observation_link (
  observation_id INTEGER NOT NULL REFERENCES observation (id),
  relation       TEXT NOT NULL CHECK (relation IN ('same_execution')),
  linked_id      INTEGER NOT NULL REFERENCES observation (id),
  delta_us       INTEGER NOT NULL,
  PRIMARY KEY (observation_id, relation, linked_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX observation_link_linked ON observation_link (linked_id);

-- Linking looks up the other source's record of a process creation by pid and
-- image (then host and time); the lineage queries look up parents by pid.
CREATE INDEX process_pid_image ON process (pid, image_name);
-- Correlation lookups. A pid or a logon id only means something on its host;
-- host and time live in observation, pid and logon id in process, and no
-- SQLite index spans two tables. process_key keeps them side by side: one row
-- per process row, filled by a trigger, a projection that can be rebuilt from
-- observation and process (migrations/0002_correlate.sql says more).

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
-- The hash chain, the projection of technique changes and the append-only
-- triggers (docs/INTEGRITY.md).

-- One row per chained record, in the order the records were written.
-- hash = SHA-256(canonical serialisation || previous hash); field_tags holds
-- 2 bytes per field of the record, for naming the field that changed.
CREATE TABLE chain_link (
  case_id    INTEGER NOT NULL REFERENCES case_file (id),
  seq        INTEGER NOT NULL CHECK (seq >= 1),
  kind       TEXT NOT NULL CHECK (kind IN ('case', 'import_run', 'observation', 'audit')),
  record_id  INTEGER NOT NULL,
  number     INTEGER,
  hash       BLOB NOT NULL CHECK (length(hash) = 32),
  field_tags BLOB NOT NULL,
  PRIMARY KEY (case_id, seq)
) STRICT, WITHOUT ROWID;

-- Techniques added or removed after logging (`obs tag`): a projection of the
-- 'technique' audit records, kept for filtering and rebuilt from them by
-- `verify --repair`. Effective techniques = observation_technique minus the
-- rows here with present = 0, plus those with present = 1.
CREATE TABLE observation_technique_change (
  observation_id INTEGER NOT NULL REFERENCES observation (id),
  technique_id   TEXT NOT NULL,
  present        INTEGER NOT NULL CHECK (present IN (0, 1)),
  attack_release TEXT,
  PRIMARY KEY (observation_id, technique_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX observation_technique_change_technique ON observation_technique_change (technique_id);

-- Append-only evidence (https://www.sqlite.org/lang_createtrigger.html#raise).
CREATE TRIGGER observation_append_only_update BEFORE UPDATE ON observation
BEGIN SELECT RAISE(ABORT, 'casetrail: observation is append-only'); END;
CREATE TRIGGER observation_append_only_delete BEFORE DELETE ON observation
BEGIN SELECT RAISE(ABORT, 'casetrail: observation is append-only'); END;
CREATE TRIGGER process_append_only_update BEFORE UPDATE ON process
BEGIN SELECT RAISE(ABORT, 'casetrail: process is append-only'); END;
CREATE TRIGGER process_append_only_delete BEFORE DELETE ON process
BEGIN SELECT RAISE(ABORT, 'casetrail: process is append-only'); END;
CREATE TRIGGER observation_technique_append_only_update BEFORE UPDATE ON observation_technique
BEGIN SELECT RAISE(ABORT, 'casetrail: observation_technique is append-only'); END;
CREATE TRIGGER observation_technique_append_only_delete BEFORE DELETE ON observation_technique
BEGIN SELECT RAISE(ABORT, 'casetrail: observation_technique is append-only'); END;
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'casetrail: audit is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'casetrail: audit is append-only'); END;
CREATE TRIGGER chain_link_append_only_update BEFORE UPDATE ON chain_link
BEGIN SELECT RAISE(ABORT, 'casetrail: chain_link is append-only'); END;
CREATE TRIGGER chain_link_append_only_delete BEFORE DELETE ON chain_link
BEGIN SELECT RAISE(ABORT, 'casetrail: chain_link is append-only'); END;

-- The chained columns of cases and import runs never change; a case's
-- status and an import run's finish time and counts may.
CREATE TRIGGER case_file_append_only_update
BEFORE UPDATE OF id, key, title, severity, lead, time_zone, created_at, created_by ON case_file
BEGIN SELECT RAISE(ABORT, 'casetrail: case_file is append-only except status and closed_at'); END;
CREATE TRIGGER case_file_append_only_delete BEFORE DELETE ON case_file
BEGIN SELECT RAISE(ABORT, 'casetrail: case_file is append-only'); END;
CREATE TRIGGER import_run_append_only_update
BEFORE UPDATE OF id, case_id, path, sha256, size, format, analyst, started_at ON import_run
BEGIN SELECT RAISE(ABORT, 'casetrail: import_run is append-only except finished_at and counts'); END;
CREATE TRIGGER import_run_append_only_delete BEFORE DELETE ON import_run
BEGIN SELECT RAISE(ABORT, 'casetrail: import_run is append-only'); END;

-- Observations name their host and account by canonical name; that name
-- never changes (the FQDN, platform and SID may be filled in later).
CREATE TRIGGER host_append_only_update BEFORE UPDATE OF id, case_id, canonical ON host
BEGIN SELECT RAISE(ABORT, 'casetrail: host is append-only except fqdn and platform'); END;
CREATE TRIGGER host_append_only_delete BEFORE DELETE ON host
BEGIN SELECT RAISE(ABORT, 'casetrail: host is append-only'); END;
CREATE TRIGGER account_append_only_update BEFORE UPDATE OF id, case_id, canonical ON account
BEGIN SELECT RAISE(ABORT, 'casetrail: account is append-only except sid'); END;
CREATE TRIGGER account_append_only_delete BEFORE DELETE ON account
BEGIN SELECT RAISE(ABORT, 'casetrail: account is append-only'); END;
