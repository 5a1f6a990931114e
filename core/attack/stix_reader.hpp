#pragma once
// Reading a MITRE ATT&CK STIX bundle into the catalogue casetrail keeps.
//
// Accepts both forms MITRE publishes: the STIX 2.0 enterprise-attack.json
// of mitre/cti (bundle "spec_version": "2.0", no collection object), and
// the STIX 2.1 form of mitre-attack/attack-stix-data ("spec_version" on each
// object, an x-mitre-collection object carrying the release). The ATT&CK
// data model is described at
// https://github.com/mitre-attack/attack-stix-data/blob/master/USAGE.md and
// STIX 2.1 at https://docs.oasis-open.org/cti/stix/v2.1/stix-v2.1.html.

#include <optional>
#include <string>
#include <string_view>

#include "core/model/attack.hpp"

namespace casetrail::attack {

// Reads the bundle at `path`. The release version comes from the file's
// x-mitre-collection (x_mitre_version) where it has one, else from
// `attack_version` ("18.1" or "v18.1"), else it is "unknown"; the file's
// SHA-256, size and newest `modified` are recorded with it. The whole file
// is read and checked before anything is returned, so a caller that stores
// only on success never keeps half a catalogue.
//
// Throws casetrail::Error:
//   not_found      the file does not exist;
//   io             it cannot be read;
//   invalid_input  `attack_version` is malformed or contradicts the file's
//                  collection; the file is empty, not JSON (with the byte
//                  offset), truncated, not a STIX bundle, holds no ATT&CK
//                  technique, or an object the catalogue needs lacks a
//                  required field or refers to an object the file does not
//                  have (the message names the object's id, and its ATT&CK
//                  ID where it has one).
model::AttackCatalogue read_stix_bundle(const std::string& path,
                                        const std::optional<std::string>& attack_version);

// Same, from JSON text already in memory; `name` stands for the file in
// messages and in the release record. For tests and the fuzzer.
model::AttackCatalogue read_stix_bundle_text(std::string_view json, const std::string& name,
                                             const std::optional<std::string>& attack_version);

// "18.1" for a known version; "unknown (newest modified <time>)" otherwise.
// This is what observations record as the release they were checked against.
std::string release_label(const model::AttackRelease& release);

// Checks and normalises a release version given by the user ("v18.1" ->
// "18.1"). Throws Error(invalid_input) naming --attack-version.
std::string normalise_attack_version(std::string_view text);

}  // namespace casetrail::attack
