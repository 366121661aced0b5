// Shadow evaluations (State::shadows) as the label sets the exporter emits: per exported
// shadow its lost count, and per (shadow, retained container) its rows grouped by
// (syscall, arch, current, candidate) and, past the per-container cap, folded into
// syscall="other".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "state/aggregate.h"
#include "metrics/exporter.h"

namespace sc::metrics {

// The current and candidate labels take "allow" or one of kActions (verdict_series.h);
// anything else in the state becomes "unknown". In the extreme fold (more distinct
// (current, candidate) pairs than the cap) the rarest pairs become current="other",
// candidate="other".
std::string shadow_action_label(common::Action action);

// Does the exporter show this record ("active" or "stopped"; "refused" and anything else not)?
bool exported_shadow(const audit::ShadowRecord& record);

struct ShadowVerdictSeries {
  std::string syscall;    // "#<nr>" when the row has no name; "other" for folded series
  std::string arch;       // "" when native (the label is left out) and in folded series
  std::string current;
  std::string candidate;
  uint64_t count = 0;
};

struct ShadowContainerSeries {
  std::string container;                    // the label value (unsanitised: Family::add escapes it)
  std::vector<ShadowVerdictSeries> series;  // at most max(max_series_per_container, kActionCount)
  size_t folded = 0;                        // distinct label sets folded into syscall="other"
};

struct ShadowSeries {
  std::string shadow;   // the label value (unsanitised)
  uint64_t lost = 0;
  std::vector<ShadowContainerSeries> containers;  // retained containers with rows only
};

// One container's rows of one shadow, grouped and capped (rows with count 0 are no series).
ShadowContainerSeries shadow_container_series(const std::string& container,
                                              const std::vector<const audit::ShadowRow*>& rows, size_t max_series);

// Every exported shadow of the state; rows of containers absent from state.containers or past
// retention (metrics::retained) are left out.
std::vector<ShadowSeries> shadow_series(const audit::State& state, const ExporterOptions& options, int64_t now_ns);

}  // namespace sc::metrics
