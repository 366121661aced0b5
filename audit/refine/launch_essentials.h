// Syscalls `--tighten` never removes, whatever the learning bitmaps say.
#pragma once

#include <string>
#include <vector>

namespace sc::refine {

struct EssentialSyscall {
  const char* name;
  const char* why;
};

// The list, with the reason for each entry (printed by `suggest --tighten` and docs/refine.md).
const std::vector<EssentialSyscall>& launch_essentials();
bool is_launch_essential(const std::string& name);

}  // namespace sc::refine
