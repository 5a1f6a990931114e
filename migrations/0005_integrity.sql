-- 0005 integrity: the per-case hash chain over cases, import runs,
-- observations and audit records (docs/INTEGRITY.md); triggers that make
-- evidence append-only even for a stray SQL session; the projection of
-- technique changes; the ATT&CK release of a technique added by `obs tag`.

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

ALTER TABLE audit ADD COLUMN attack_release TEXT;

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
