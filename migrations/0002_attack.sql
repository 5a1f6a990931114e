-- 0002 attack: the ATT&CK catalogue, imported from a MITRE STIX bundle
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
