// A small tracer program for the restart test: loads the tracer with its pins in PIN_DIR,
// watches one cgroup (exact counting), prints "ready", then waits to be killed.
//   sc_tracer_loader PIN_DIR CGROUP_ID
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "bpf/tracer.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: sc_tracer_loader PIN_DIR CGROUP_ID\n");
    return 2;
  }
  try {
    sc::bpf::TracerOptions options;
    options.pin_dir = argv[1];
    sc::bpf::Tracer tracer(options);
    tracer.watch(std::strtoull(argv[2], nullptr, 10), true);
    for (const auto& hook : tracer.hooks())
      if (hook.live) std::printf("live %s: %s\n", hook.name.c_str(), hook.reason.c_str());
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;) pause();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sc_tracer_loader: %s\n", e.what());
    return 1;
  }
}
