// The netlink process connector (NETLINK_CONNECTOR, group CN_IDX_PROC): fork, exec and exit
// events of every process on the host, no BPF needed. The daemon keeps pid -> cgroup path
// from fork time with it, so a verdict of a process that exited before its audit record was
// read (a shell's short-lived children) is still placed: the cgroup is read from /proc at
// the fork and exec events (and again at exit, while the process is a zombie), or inherited
// from the parent when the child is already gone. Exited processes are remembered for a
// while; the table is bounded (least recently updated entries go first), like the tracer's
// tgid -> cgroup LRU map.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

namespace sc::audit {

struct ProcConnectorOptions {
  size_t capacity = 65536;                                // processes kept, live and exited
  int64_t keep_exited_ns = int64_t{30} * 1'000'000'000;   // how long an exited process stays known
  int receive_buffer_bytes = 8 << 20;                     // SO_RCVBUFFORCE (root), else SO_RCVBUF
};

class ProcConnector {
 public:
  // Opens, binds and subscribes (PROC_CN_MCAST_LISTEN). Throws std::system_error naming the
  // step that failed (no CAP_NET_ADMIN, no connector in the kernel, ...).
  explicit ProcConnector(ProcConnectorOptions options = {});
  ~ProcConnector();
  ProcConnector(const ProcConnector&) = delete;
  ProcConnector& operator=(const ProcConnector&) = delete;

  int fd() const { return fd_; }
  // Reads the queued events without blocking, at most max_datagrams datagrams (a fork storm
  // must not keep the caller from its other work); returns how many process events were handled.
  size_t poll(size_t max_datagrams = 4096);
  // Where process `tgid` ran (cgroup2 path relative to the mount) as last known; nullopt when
  // it was never seen (started before us and made no event since) or was forgotten.
  std::optional<std::string> cgroup_of(int32_t tgid) const;

  uint64_t events() const { return events_; }
  uint64_t overruns() const { return overruns_; }   // ENOBUFS: events the kernel dropped for us
  size_t size() const { return table_.size(); }

  // The event handlers (public for unit tests: they take the cgroup reader's answer as given).
  void on_fork(int32_t parent_tgid, int32_t child_tgid, std::optional<std::string> child_path,
               std::optional<std::string> parent_path, int64_t now_ns);
  void on_exec(int32_t tgid, std::optional<std::string> path, int64_t now_ns);
  void on_exit(int32_t tgid, std::optional<std::string> path, int64_t now_ns);

 private:
  // For unit tests: no socket.
  struct NoSocket {};
  explicit ProcConnector(NoSocket, ProcConnectorOptions options) : options_(options) {}
  friend struct ProcConnectorTestAccess;

  struct Entry {
    std::string path;
    int64_t exited_ns = 0;   // 0 while running
    std::list<int32_t>::iterator lru;
  };
  void remember(int32_t tgid, std::string path);
  void expire(int64_t now_ns);

  ProcConnectorOptions options_;
  int fd_ = -1;
  uint64_t events_ = 0;
  uint64_t overruns_ = 0;
  std::unordered_map<int32_t, Entry> table_;
  std::list<int32_t> lru_;                           // front: most recently updated
  std::deque<std::pair<int32_t, int64_t>> exits_;    // (tgid, exit time), oldest first
};

// A ProcConnector without a socket, for unit tests of the table.
struct ProcConnectorTestAccess {
  static ProcConnector make(ProcConnectorOptions options) { return ProcConnector(ProcConnector::NoSocket{}, options); }
};

}  // namespace sc::audit
