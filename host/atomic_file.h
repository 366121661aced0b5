// Durable file replacement: write a temporary file beside the target, fsync it, rename it
// over the target, fsync the directory. A crash leaves either the old or the new content.
#pragma once

#include <string>

namespace sc::host {

// Throws std::system_error naming the path and the step that failed.
void write_file_atomically(const std::string& path, const std::string& content, unsigned mode = 0644);

// The same two halves apart, for a caller that must publish before it can wait for the disk
// (launch: a container's registry entry is visible before the container runs, and made
// durable while it runs). publish_file: temporary file, rename over the target, no fsync:
// every reader sees the whole new content once it returns, a machine crash before
// make_durable may lose it. make_durable: fsync of the file and of its directory.
// Both throw std::system_error.
void publish_file(const std::string& path, const std::string& content, unsigned mode = 0644);
void make_durable(const std::string& path);

// Creates the directory and its parents (like mkdir -p). Throws std::system_error.
void make_directories(const std::string& path, unsigned mode = 0755);

}  // namespace sc::host
