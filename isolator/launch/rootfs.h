// --rootfs: the child enters a new mount namespace, bind-mounts the rootfs onto itself,
// pivot_root()s into it, detaches the old root and mounts a fresh /proc. Done before the
// filter is loaded (Mesos's order), so the profile need not allow pivot_root for this step;
// a nested launch inside a container whose profile denies pivot_root fails here, clearly.
#pragma once

namespace sc::launch {

// In the child; no allocation. Returns 0 or the errno, with `step` naming what failed.
int enter_rootfs(const char* rootfs, const char** step);

}  // namespace sc::launch
