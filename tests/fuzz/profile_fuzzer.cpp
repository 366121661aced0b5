// Fuzzes parse -> resolve -> compile -> evaluate, differentially. Any input may be rejected
// with ParseError or FilterError; what must never happen is a crash, a sanitizer report,
// another exception type, a compiled program that the kernel's checks (the evaluator's) would
// refuse, or a compiled filter whose verdict differs from the profile's own semantics
// (sc::profile::verdict_of, computed from the resolved rules with no BPF).
//
// For each profile that parses (Docker and Mesos dialects) and resolves, in two of four
// contexts (native arch, kernel version, capability set, audit mode; picked by the input, so a
// reproducer replays exactly), the filter from sc::compiler::Filter(resolved, options).bpf()
// is run in the cBPF evaluator on calls under x86_64, x86 and x32 (and aarch64, which the
// filter does not cover), for the syscalls the profile names plus random numbers, with all six
// arguments taken around the values the profile compares (and random combinations of them).
// A mismatch aborts with the profile, the context, the arch, nr and args.
//
// Only public entry points (parse_profile, resolve, Filter::bpf, evaluate, verdict_of) are
// used, so the fuzzer keeps working whatever those compute internally.
#include <linux/audit.h>
#include <seccomp.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "isolator/compiler/action_codes.h"
#include "isolator/compiler/evaluator.h"
#include "isolator/compiler/filter.h"
#include "isolator/profile/parser.h"
#include "isolator/profile/resolver.h"
#include "isolator/profile/semantics.h"

using namespace sc;

namespace {

constexpr int kX32Bit = 0x40000000;

struct Rng {
  uint64_t s;
  uint64_t next() {  // splitmix64
    uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t below(size_t n) { return n ? static_cast<size_t>(next() % n) : 0; }
};

uint64_t fnv1a(const uint8_t* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

struct Context {
  const char* name;
  profile::ResolveContext resolve;
};

std::vector<Context> contexts() {
  std::vector<Context> out;
  auto make = [&](const char* name, uint32_t arch, profile::KernelVersion kernel, std::set<std::string> caps, bool audit) {
    Context c{name, {}};
    c.resolve.native_arch = arch;
    c.resolve.kernel = kernel;
    c.resolve.capabilities = std::move(caps);
    c.resolve.audit = audit;
    out.push_back(std::move(c));
  };
  make("x86_64, kernel 4.14, no caps, enforce", SCMP_ARCH_X86_64, {4, 14}, {}, false);
  make("x86_64, kernel 6.1, admin caps, enforce", SCMP_ARCH_X86_64, {6, 1},
       {"CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_NET_ADMIN", "CAP_CHOWN", "CAP_SYS_BOOT"}, false);
  make("x86_64, kernel 5.10, docker caps, audit", SCMP_ARCH_X86_64, {5, 10}, {"CAP_CHOWN", "CAP_NET_RAW", "CAP_SETUID"},
       true);
  make("x86 native, kernel 5.4, admin caps, enforce", SCMP_ARCH_X86, {5, 4}, {"CAP_SYS_ADMIN"}, false);
  return out;
}

struct Probe {
  uint32_t arch;        // SCMP_ARCH_* the call runs under
  uint32_t audit_arch;  // what seccomp_data.arch says
  bool narrow;          // the kernel zero-extends this ABI's arguments
};

const Probe kProbes[] = {
    {SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, false},
    {SCMP_ARCH_X86, AUDIT_ARCH_I386, true},
    {SCMP_ARCH_X32, AUDIT_ARCH_X86_64, true},
    {SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, false},
};

const char* arch_label(uint32_t arch) {
  switch (arch) {
    case SCMP_ARCH_X86_64: return "x86_64";
    case SCMP_ARCH_X86: return "x86";
    case SCMP_ARCH_X32: return "x32";
    case SCMP_ARCH_AARCH64: return "aarch64";
  }
  return "?";
}

// Values worth trying for an argument the profile compares with (value, valueTwo).
void around(const profile::ArgCondition& c, std::vector<uint64_t>& pool) {
  const uint64_t v = c.value, two = c.value_two;
  for (uint64_t x : {v, v - 1, v + 1, two, two - 1, two + 1, two | ~v, two ^ (v & (~v + 1)), ~uint64_t{0},
                     (uint64_t{1} << 32) | v, v & 0xffffffffu, (uint64_t{1} << 63) | two, v << 1, v >> 1})
    pool.push_back(x);
}

[[noreturn]] void mismatch(const std::string& text, const char* dialect, const Context& ctx, const Probe& p, int nr,
                           const uint64_t args[6], uint32_t got, const profile::Verdict& want) {
  std::ostringstream m;
  m << "profile_fuzzer: MISMATCH between the compiled filter and verdict_of\n"
    << "  dialect " << dialect << "; context: " << ctx.name << "\n"
    << "  call: arch " << arch_label(p.arch) << ", nr " << nr << " (0x" << std::hex << nr << ")";
  for (int i = 0; i < 6; ++i) m << ", a" << i << "=0x" << args[i];
  m << std::dec << "\n  BPF says " << compiler::describe_ret(got) << "; the profile says " << profile::describe(want.action)
    << (want.bad_arch ? " (bad arch)" : want.rule ? " by " + want.rule->json_path + " (" + want.rule->name + ")" : " by default")
    << "\n  profile (" << text.size() << " bytes): " << text.substr(0, 4000) << "\n";
  std::fputs(m.str().c_str(), stderr);
  std::abort();
}

// One of `holding`'s actions: what the compiled filter must give when argument-checked rules
// with different actions all hold (libseccomp's argument tree, not profile order, picks).
bool one_of_holding(const profile::Verdict& want, uint32_t got) {
  for (const profile::ResolvedRule* r : want.holding)
    if (compiler::seccomp_ret(r->action) == got) return true;
  return false;
}

void differential(const std::string& text, const char* dialect, const Context& ctx, const profile::ResolvedProfile& resolved,
                  const std::vector<sock_filter>& bpf, Rng& rng) {
  // The names the profile's applying rules use, at most 48 of them (speed), and per name the
  // pool of values its conditions compare with, per argument index.
  std::vector<std::string> names;
  std::set<std::string> seen;
  std::vector<uint64_t> pool_all = {0, 1, 2, 0xffffffffu, ~uint64_t{0}, uint64_t{1} << 32, uint64_t{1} << 63};
  for (const auto& r : resolved.rules) {
    if (seen.insert(r.name).second) names.push_back(r.name);
    for (const auto& c : r.args) around(c, pool_all);
  }
  while (names.size() > 48) names.erase(names.begin() + static_cast<std::ptrdiff_t>(rng.below(names.size())));
  for (const char* always : {"read", "socketcall", "ipc", "socket", "clone", "personality"}) names.push_back(always);

  for (const Probe& p : kProbes) {
    std::vector<int> nrs;
    for (const auto& n : names) {
      int nr = seccomp_syscall_resolve_name_arch(p.arch, n.c_str());
      if (nr < 0) continue;  // not on this arch (or a multiplexed pseudo number)
      if (p.arch == SCMP_ARCH_X32 && !(nr & kX32Bit)) nr |= kX32Bit;
      nrs.push_back(nr);
    }
    for (int i = 0; i < 3; ++i) {
      int nr = static_cast<int>(rng.below(600));
      nrs.push_back(p.arch == SCMP_ARCH_X32 ? nr | kX32Bit : nr);
    }
    nrs.push_back(static_cast<int>(rng.next()));  // anything, even negative
    // The kernel decides the ABI by the x32 bit. Both probes also get the other ABI's numbers
    // and -1 (a tracer's skip): verdict_of is asked about them under the probe's arch.
    if (p.arch == SCMP_ARCH_X86_64 || p.arch == SCMP_ARCH_X32) {
      nrs.push_back(-1);
      nrs.push_back(static_cast<int>(rng.below(600)) ^ (p.arch == SCMP_ARCH_X32 ? 0 : kX32Bit));
    }
    if (p.arch == SCMP_ARCH_AARCH64) nrs.resize(std::min<size_t>(nrs.size(), 4));

    for (int nr : nrs) {
      // The conditions on this syscall's rules, as (index, values).
      char* resolved_name = seccomp_syscall_resolve_num_arch(p.arch, nr);
      std::string name = resolved_name ? resolved_name : "";
      std::free(resolved_name);
      std::vector<std::array<uint64_t, 6>> cases{{0, 0, 0, 0, 0, 0}};
      const bool mux = p.arch == SCMP_ARCH_X86 && (name == "socketcall" || name == "ipc");
      if (mux)
        for (uint64_t sub = 1; sub <= 24; ++sub) cases.push_back({sub, 0, 0, 0, 0, 0});
      std::array<std::vector<uint64_t>, 6> per_index;
      for (const auto& r : resolved.rules) {
        // On socketcall/ipc, a rule for one of their subcalls: a0 is the subcall number, and
        // its conditions on a1..a5 apply to socketcall's registers.
        int pseudo = mux ? seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, r.name.c_str()) : 0;
        const bool subcall = mux && pseudo <= -100 && pseudo > -300 &&
                             (name == "socketcall" ? pseudo > -200 : pseudo <= -200);
        if (r.name != name && !subcall) continue;
        const uint64_t a0 = subcall ? static_cast<uint64_t>(-pseudo % 100) : 0;
        std::array<uint64_t, 6> all_hold{a0, 0, 0, 0, 0, 0};
        for (const auto& c : r.args) {
          if (c.index > 5 || (subcall && c.index == 0)) continue;  // a subcall's a0 is replaced
          std::vector<uint64_t> vals;
          around(c, vals);
          for (uint64_t x : vals) {
            std::array<uint64_t, 6> a{a0, 0, 0, 0, 0, 0};
            a[c.index] = x;
            cases.push_back(a);
            per_index[c.index].push_back(x);
          }
          all_hold[c.index] = c.op == profile::CmpOp::MaskedEqual ? c.value_two
                              : c.op == profile::CmpOp::NotEqual  ? c.value + 1
                              : c.op == profile::CmpOp::LessThan  ? c.value - 1
                              : c.op == profile::CmpOp::GreaterThan ? c.value + 1
                                                                    : c.value;
        }
        cases.push_back(all_hold);
      }
      // Random combinations over all six arguments: each from its own index's values, or
      // from every compared value of the profile, or random bits.
      for (int k = 0; k < 4; ++k) {
        std::array<uint64_t, 6> a{};
        for (size_t i = 0; i < 6; ++i) {
          switch (rng.below(4)) {
            case 0: a[i] = per_index[i].empty() ? 0 : per_index[i][rng.below(per_index[i].size())]; break;
            case 1: a[i] = pool_all[rng.below(pool_all.size())]; break;
            case 2: a[i] = rng.next(); break;
            default: a[i] = 0;
          }
        }
        cases.push_back(a);
      }
      for (auto& args : cases) {
        if (p.narrow)
          for (auto& x : args) x &= 0xffffffffu;
        compiler::SyscallData d;
        d.nr = nr;
        d.arch = p.audit_arch;
        for (int i = 0; i < 6; ++i) d.args[i] = args[i];
        // Throws EvaluationError (uncaught: a crash) when libseccomp emitted BPF the kernel refuses.
        const uint32_t got = compiler::evaluate(bpf, d).ret;
        const profile::Verdict want = profile::verdict_of(resolved, p.arch, nr, args.data());
        const bool agrees = want.order_decides ? one_of_holding(want, got) : compiler::seccomp_ret(want.action) == got;
        if (!agrees) mismatch(text, dialect, ctx, p, nr, args.data(), got, want);
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  static const std::vector<Context> all = contexts();
  Rng rng{fnv1a(data, size)};
  const size_t first = rng.below(all.size()), second = (first + 1 + rng.below(all.size() - 1)) % all.size();
  for (auto dialect : {profile::Dialect::Docker, profile::Dialect::Mesos}) {
    const char* dialect_name = dialect == profile::Dialect::Docker ? "docker" : "mesos";
    profile::Profile parsed;
    try {
      parsed = profile::parse_profile(text, profile::ParseOptions{dialect});
    } catch (const profile::ParseError&) {
      continue;
    }
    for (size_t which : {first, second}) {
      const Context& ctx = all[which];
      profile::ResolvedProfile resolved;
      try {
        resolved = profile::resolve(parsed, ctx.resolve);
      } catch (const profile::ParseError&) {
        continue;
      }
      std::vector<sock_filter> bpf;
      try {
        bpf = compiler::Filter(resolved, compiler::CompileOptions{}).bpf();
      } catch (const compiler::FilterError&) {
        continue;  // libseccomp refused the rules (e.g. conflicting actions): a clean, reported error
      }
      differential(text, dialect_name, ctx, resolved, bpf, rng);
    }
  }
  return 0;
}
