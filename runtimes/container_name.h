// The name a runtime gave a container, which the OCI state and config.json do not carry
// directly. Read-only lookups in the runtime's own files, each bounded and optional: a name
// that cannot be found is "" (the id still attributes the container).
//  - Docker: the bundle's /etc/hostname bind mount comes from <data-root>/containers/<id>/;
//    config.v2.json beside it has "Name": "/web-1".
//  - Podman: the bundle is <graph-root>/<driver>-containers/<id>/userdata; containers.json
//    two levels up lists each container's "names".
//  - CRI-O: the annotation io.kubernetes.cri-o.ContainerName (or io.kubernetes.container.name).
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace sc::runtimes {

std::string container_name(const std::string& runtime, const std::string& container_id, const std::string& bundle,
                           const nlohmann::json& config);

// The labels a runtime gave a container, for `seccomp-audit run --workload_label=NAME`:
//  - Docker: config.v2.json's "Config": {"Labels": {...}} (`docker run --label`);
//  - Podman: the bundle's OCI annotations (`podman run --annotation`; Podman keeps its
//    `--label`s in its own database, which no hook can read);
//  - CRI-O: the pod's labels, the JSON object in the annotation io.kubernetes.cri-o.Labels.
// Bounded (untrusted): at most 64 labels, keys up to 128 bytes, values up to 1 KiB; others are
// left out. Never throws; {} when there are none.
std::map<std::string, std::string> container_labels(const std::string& runtime, const nlohmann::json& config);

// "docker" | "podman" | "crio" | "runc": from the config's annotations (Podman and CRI-O
// annotate their bundles; Docker 20.10 does not, its wrapper says so itself).
std::string runtime_from_annotations(const nlohmann::json& config);

}  // namespace sc::runtimes
