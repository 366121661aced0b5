#include "common/arch.h"

#include <array>
#include <charconv>
#include <cstdio>

namespace sc::common {
namespace {

// AUDIT_ARCH_* as <linux/audit.h> spells them; libseccomp's SCMP_ARCH_* are defined as these.
constexpr std::array<Arch, 20> kArches = {{
    {"SCMP_ARCH_X86_64", "amd64", "x86_64", AUDIT_ARCH_X86_64},
    {"SCMP_ARCH_X86", "x86", "x86", AUDIT_ARCH_I386},
    {"SCMP_ARCH_X32", "x32", "x32", kArchX32},
    {"SCMP_ARCH_ARM", "arm", "arm", AUDIT_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", "arm64", "aarch64", AUDIT_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", "mips", "mips", AUDIT_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", "mips64", "mips64", AUDIT_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", "mips64n32", "mips64n32", AUDIT_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", "mipsel", "mipsel", AUDIT_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", "mipsel64", "mipsel64", AUDIT_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", "mipsel64n32", "mipsel64n32", AUDIT_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", "ppc", "ppc", AUDIT_ARCH_PPC},
    {"SCMP_ARCH_PPC64", "ppc64", "ppc64", AUDIT_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", "ppc64le", "ppc64le", AUDIT_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", "s390", "s390", AUDIT_ARCH_S390},
    {"SCMP_ARCH_S390X", "s390x", "s390x", AUDIT_ARCH_S390X},
    {"SCMP_ARCH_PARISC", "", "parisc", AUDIT_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", "", "parisc64", AUDIT_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", "riscv64", "riscv64", AUDIT_ARCH_RISCV64},
    {"SCMP_ARCH_LOONGARCH64", "loongarch64", "loongarch64", AUDIT_ARCH_LOONGARCH64},
}};

// The compiler's target, tested in the order libseccomp's arch.c tests it.
constexpr uint32_t kNative =
#if defined(__x86_64__) && defined(__ILP32__)
    kArchX32;
#elif defined(__x86_64__)
    AUDIT_ARCH_X86_64;
#elif defined(__i386__)
    AUDIT_ARCH_I386;
#elif defined(__aarch64__)
    AUDIT_ARCH_AARCH64;
#elif defined(__arm__)
    AUDIT_ARCH_ARM;
#elif defined(__mips__) && _MIPS_SIM == _MIPS_SIM_ABI32 && defined(__MIPSEB__)
    AUDIT_ARCH_MIPS;
#elif defined(__mips__) && _MIPS_SIM == _MIPS_SIM_ABI32
    AUDIT_ARCH_MIPSEL;
#elif defined(__mips__) && _MIPS_SIM == _MIPS_SIM_ABI64 && defined(__MIPSEB__)
    AUDIT_ARCH_MIPS64;
#elif defined(__mips__) && _MIPS_SIM == _MIPS_SIM_ABI64
    AUDIT_ARCH_MIPSEL64;
#elif defined(__mips__) && _MIPS_SIM == _MIPS_SIM_NABI32 && defined(__MIPSEB__)
    AUDIT_ARCH_MIPS64N32;
#elif defined(__mips__) && _MIPS_SIM == _MIPS_SIM_NABI32
    AUDIT_ARCH_MIPSEL64N32;
#elif defined(__hppa64__)
    AUDIT_ARCH_PARISC64;
#elif defined(__hppa__)
    AUDIT_ARCH_PARISC;
#elif defined(__PPC64__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    AUDIT_ARCH_PPC64;
#elif defined(__PPC64__)
    AUDIT_ARCH_PPC64LE;
#elif defined(__PPC__)
    AUDIT_ARCH_PPC;
#elif defined(__s390x__)
    AUDIT_ARCH_S390X;
#elif defined(__s390__)
    AUDIT_ARCH_S390;
#elif defined(__riscv) && __riscv_xlen == 64
    AUDIT_ARCH_RISCV64;
#elif defined(__loongarch64)
    AUDIT_ARCH_LOONGARCH64;
#else
#error "an architecture seccomp-companion does not know"
#endif

}  // namespace

std::span<const Arch> known_arches() { return kArches; }

const Arch* find_arch(uint32_t value) {
  for (const auto& a : kArches)
    if (a.value == value) return &a;
  return nullptr;
}

std::optional<uint32_t> arch_from_token(const std::string& token) {
  for (const auto& a : kArches)
    if (token == a.token) return a.value;
  return std::nullopt;
}

std::optional<uint32_t> arch_from_short(const std::string& short_name) {
  if (short_name.empty()) return std::nullopt;
  for (const auto& a : kArches)
    if (short_name == a.short_name) return a.value;
  return std::nullopt;
}

std::optional<uint32_t> arch_from_name(const std::string& name) {
  for (const auto& a : kArches)
    if (name == a.name || name == a.token || (a.short_name[0] && name == a.short_name)) return a.value;
  return std::nullopt;
}

std::optional<uint32_t> arch_from_text(const std::string& text) {
  for (const auto& a : kArches)
    if (text == a.name) return a.value;
  if (text.size() < 3 || text.compare(0, 2, "0x") != 0) return std::nullopt;
  uint32_t value = 0;
  const char* end = text.data() + text.size();
  auto [stop, ec] = std::from_chars(text.data() + 2, end, value, 16);
  if (ec != std::errc() || stop != end) return std::nullopt;
  return value;
}

std::string arch_name(uint32_t arch) {
  if (const Arch* a = find_arch(arch)) return a->name;
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", arch);
  return buf;
}

std::string arch_short_name(uint32_t arch) {
  const Arch* a = find_arch(arch);
  return a ? a->short_name : "";
}

std::string arch_token(uint32_t arch) {
  const Arch* a = find_arch(arch);
  return a ? a->token : "";
}

uint32_t native_arch() { return kNative; }

const std::string& native_arch_name() {
  static const std::string name = arch_name(kNative);
  return name;
}

uint32_t arch_of(uint32_t audit_arch, int nr) {
  if (audit_arch == AUDIT_ARCH_X86_64 && (static_cast<uint32_t>(nr) & kX32SyscallBit)) return kArchX32;
  return audit_arch;
}

uint32_t audit_arch_of(uint32_t arch) { return arch == kArchX32 ? AUDIT_ARCH_X86_64 : arch; }

bool arch_is_32bit(uint32_t arch) {
  // AUDIT_ARCH_* carry __AUDIT_ARCH_64BIT for 64-bit ABIs; x32 and mips n32 lack it.
  return (arch & __AUDIT_ARCH_64BIT) == 0;
}

}  // namespace sc::common
