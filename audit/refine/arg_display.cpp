#include "audit/refine/arg_display.h"

#include <algorithm>

#include "audit/refine/arg_names.h"
#include "audit/refine/arg_positions.h"

namespace sc::refine {

std::string tuple_text(const std::string& syscall, const std::string& arch, const audit::ArgTuple& args) {
  std::string out;
  auto layout = arg_layout(syscall, arch);
  if (!layout) {
    for (size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + hex_value(args[i]);
    return out;
  }
  for (const auto& p : layout->positions) {
    bool named = p.kind == ArgKind::Value || p.kind == ArgKind::FlagWord;
    out += (out.empty() ? "" : ", ") + p.name + "=" +
           (named ? symbolic_value(p.vocabulary, args[p.index]) : hex_value(args[p.index]));
  }
  return out;
}

std::vector<std::string> record_lines(const std::string& syscall, const std::string& arch, const audit::ArgRecord& record) {
  std::vector<std::pair<audit::ArgTuple, uint64_t>> tuples(record.tuples.begin(), record.tuples.end());
  std::stable_sort(tuples.begin(), tuples.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> out;
  for (const auto& [t, n] : tuples) out.push_back(tuple_text(syscall, arch, t) + " x" + std::to_string(n));
  if (record.dropped)
    out.push_back("+" + std::to_string(record.dropped) + " call(s) not kept (over the bound of " +
                  std::to_string(audit::kArgTuplesPerSyscall) + " distinct tuples)");
  if (out.empty()) out.push_back("recorded, no tuple");
  return out;
}

}  // namespace sc::refine
