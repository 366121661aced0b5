// The write-ahead journal of audit-stream observations: <state_dir>/journal.jsonl, one line
// per batch {"seq":N,"obs":[...]}, appended and fdatasync'd BEFORE the batch is folded into
// memory. state.json records the last sequence number it contains; at start the daemon
// replays every later batch, so a SIGKILL between two flushes loses nothing that reached the
// journal and counts nothing twice. A torn last line (crash mid-append) is ignored: that
// batch had not been acknowledged. After each flush the journal is truncated.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "state/observation.h"

namespace sc::audit {

class Journal {
 public:
  // Opens (creates) the file for appending. Throws std::system_error naming the path.
  explicit Journal(std::string path);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Appends one batch with sequence number `seq` and makes it durable (fdatasync).
  void append(uint64_t seq, const std::vector<Observation>& batch);
  // Empties the file (after a flush made its content part of state.json).
  void truncate();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

struct ReplayResult {
  uint64_t batches = 0;
  uint64_t observations = 0;
  uint64_t last_seq = 0;
  uint64_t torn_lines = 0;   // unreadable lines (a torn final append), skipped and reported
};

// Calls on_batch for every batch with seq > after_seq, in file order. A missing file is empty.
ReplayResult replay_journal(const std::string& path, uint64_t after_seq,
                            const std::function<void(const Observation&)>& on_observation);

}  // namespace sc::audit
