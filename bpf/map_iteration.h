// Walking a BPF hash or array map from user space: the one bpf_map_get_next_key loop.
#pragma once

#include <bpf/bpf.h>

#include <vector>

namespace sc::bpf {

// Calls fn(key, value) for every entry whose value could be read. Entries the kernel adds or
// removes meanwhile may or may not be seen (a hash map walk is not a snapshot).
template <typename Key, typename Value, typename Fn>
void for_each_entry(int fd, Fn&& fn) {
  Key key{}, next{};
  Key* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    Value value{};
    if (bpf_map_lookup_elem(fd, &next, &value) == 0) fn(next, value);
    key = next;
    prev = &key;
  }
}

// The keys, collected first: for walks that delete (deleting the current key mid-walk
// restarts a hash map walk from the beginning).
template <typename Key>
std::vector<Key> map_keys(int fd) {
  std::vector<Key> out;
  Key key{}, next{};
  Key* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    out.push_back(next);
    key = next;
    prev = &key;
  }
  return out;
}

}  // namespace sc::bpf
