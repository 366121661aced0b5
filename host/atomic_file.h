// Durable file replacement: write a temporary file beside the target, fsync it, rename it
// over the target, fsync the directory. A crash leaves either the old or the new content.
#pragma once

#include <string>

namespace sc::host {

// Throws std::system_error naming the path and the step that failed.
void write_file_atomically(const std::string& path, const std::string& content, unsigned mode = 0644);

// Creates the directory and its parents (like mkdir -p). Throws std::system_error.
void make_directories(const std::string& path, unsigned mode = 0755);

}  // namespace sc::host
