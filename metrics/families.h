// The metric families the exporter emits, built from one State snapshot at scrape time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

#include "audit/state/aggregate.h"
#include "metrics/exporter.h"

namespace sc::metrics {

std::vector<prometheus::MetricFamily> collect_families(const audit::State& state,
                                                       const ExporterOptions& options, int64_t now_ns);

// Every metric name collect_families can emit (as written in PromQL: the family names).
const std::vector<std::string>& metric_names();

// Is this container's data still exported at now_ns (running, or exited within retention)?
bool retained(const audit::ContainerRecord& container, const ExporterOptions& options, int64_t now_ns);

}  // namespace sc::metrics
