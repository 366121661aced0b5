// The metric families the exporter emits, built from one State snapshot at scrape time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "state/aggregate.h"
#include "metrics/exporter.h"

namespace sc::metrics {

std::vector<prometheus::MetricFamily> collect_families(const audit::State& state,
                                                       const ExporterOptions& options, int64_t now_ns);

// Every metric name collect_families can emit (as written in PromQL: the family names).
const std::vector<std::string>& metric_names();

// Is this container's data still exported at now_ns (running, or exited within retention)?
bool retained(const audit::ContainerRecord& container, const ExporterOptions& options, int64_t now_ns);

// The documented upper bound on the number of series one scrape can hold (docs/metrics.md,
// "Cardinality bound"):
//   C * (4 * M' + A + 13) + 5 * S + 11 + H + D + P * M',   M' = max(max_series_per_container, 8)
// where C (containers) counts the retained ones (running, or exited within retention_seconds),
// A (arches) the distinct architectures a container was seen entering syscalls on, S the
// sources, H the tracer's hooks (8), D (shadows) the exported shadow evaluations (status
// "active" or "stopped") and P (shadow_containers) the (exported shadow, retained container)
// pairs with rows.
size_t series_bound(size_t containers, size_t sources, size_t arches, size_t shadows, size_t shadow_containers,
                    const ExporterOptions& options);

}  // namespace sc::metrics
