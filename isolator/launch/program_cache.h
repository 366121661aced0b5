// A cache of compiled seccomp programs, so that a launch with a profile it has seen before
// skips resolving and compiling it (libseccomp's rule database and BPF generation are most
// of a launch's CPU time).
//
// An entry is found by the SHA-256 of its key: everything that decides the program (the
// profile file's bytes, the resolve context, the compile options, the host arch, kernel,
// libseccomp and the very executable that compiles). It is trusted only when it is exactly
// what this launch would compile: the directory and the file are owned by root (or the
// caller) and writable by nobody else, the embedded checksum matches, the stored key equals
// this launch's key. Anything else is a miss: the program is compiled afresh, never run
// without it. Entries are written atomically (temporary file + rename).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "isolator/compiler/filter.h"

namespace sc::launch {

// Bump when the entry format or the meaning of a field changes.
inline constexpr int kProgramCacheFormat = 3;  // 2: new_syscalls in the key; 3: the code stored raw

struct ProgramKeyInput {
  std::string profile_sha256;              // of the profile file's bytes
  std::set<std::string> capabilities;      // the bounding set rules are resolved against
  bool audit = false;
  profile::NewSyscalls new_syscalls = profile::NewSyscalls::Enosys;
  compiler::CompileOptions options;
};

// The canonical key text: one "name=value" per line. Probes the host (arch, kernel release,
// libseccomp version and API level, the executable's identity).
std::string program_cache_key(const ProgramKeyInput& input);

struct CachedProgram {
  compiler::Program program;
  std::vector<std::string> warnings;  // the resolver's warnings, reported again on a hit
};

// The serialised entry (a JSON body line, the raw code, the SHA-256 of both) and the way back.
std::string encode_cache_entry(const std::string& key, const CachedProgram& entry);
// nullopt, with the reason, when the text is not a sound entry for exactly `key`.
std::optional<CachedProgram> decode_cache_entry(const std::string& text, const std::string& key,
                                                std::string* why_not);

class ProgramCache {
 public:
  explicit ProgramCache(std::string directory) : directory_(std::move(directory)) {}

  const std::string& directory() const { return directory_; }
  // The entry's file: <directory>/<sha256 of key>.bpf
  std::string entry_path(const std::string& key) const;

  // The entry for `key`, or nullopt. `problem` is set when something was there but was not
  // used (wrong owner or mode, corrupt, another key): the caller reports it and recompiles.
  std::optional<CachedProgram> lookup(const std::string& key, std::string* problem) const;

  // Stores atomically, creating the directory (0700) when missing. Throws std::runtime_error
  // (the caller reports it: a cache that cannot be written only costs time).
  void store(const std::string& key, const CachedProgram& entry) const;

 private:
  std::string directory_;
};

}  // namespace sc::launch
