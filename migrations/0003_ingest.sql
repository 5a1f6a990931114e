-- 0003 ingest: links between observations that are one execution seen by two
-- sources, and the index the import's linking needs.

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
