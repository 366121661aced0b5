// parse + resolve + compile of Docker's default profile, and each step alone; the binary
// tree and the linear filter side by side. (Per-syscall BPF cost: bpf_instruction_table.)
#include <seccomp.h>

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"

using namespace sc;

namespace {
const std::string& docker_default() {
  static const std::string text = [] {
    std::ifstream in(std::string(SC_SHARED_DIR) + "/profiles/docker-default.json");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  return text;
}
profile::ResolveContext context() {
  profile::ResolveContext c;
  c.native_arch = SCMP_ARCH_X86_64;
  c.kernel = {6, 1};
  return c;
}
compiler::CompileOptions options(bool tree) {
  compiler::CompileOptions o;
  o.binary_tree = tree;
  return o;
}
}  // namespace

static void BM_Parse(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(profile::parse_profile(docker_default()));
}
BENCHMARK(BM_Parse)->Unit(benchmark::kMicrosecond);

static void BM_Resolve(benchmark::State& state) {
  profile::Profile p = profile::parse_profile(docker_default());
  for (auto _ : state) benchmark::DoNotOptimize(profile::resolve(p, context()));
}
BENCHMARK(BM_Resolve)->Unit(benchmark::kMicrosecond);

static void BM_ParseResolveCompile(benchmark::State& state) {
  const bool tree = state.range(0) != 0;
  for (auto _ : state) {
    profile::ResolvedProfile r = profile::resolve(profile::parse_profile(docker_default()), context());
    compiler::Filter filter(r, options(tree));
    benchmark::DoNotOptimize(filter.bpf());
  }
  state.SetLabel(tree ? "binary tree" : "linear");
}
BENCHMARK(BM_ParseResolveCompile)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
