// Recorded argument tuples as people read them, in `events --args` and the report: the
// positions the table knows by name and symbol ("persona=0x40000 (ADDR_NO_RANDOMIZE)"),
// pointers and plain numbers in hex, and every argument in hex when the table does not know
// the call. Only hex digits and the table's own names: nothing recorded is copied as text.
#pragma once

#include <string>
#include <vector>

#include "state/aggregate.h"

namespace sc::refine {

// One tuple: "type=0x3 (SYSLOG_ACTION_READ_ALL), buf=0x7ffd1000, len=0x2000".
std::string tuple_text(const std::string& syscall, const std::string& arch, const audit::ArgTuple& args);

// One line per tuple, most-used first: "<tuple_text> x<count>", then "+N call(s) not kept
// (over the bound of 16 distinct tuples)" when some were dropped.
std::vector<std::string> record_lines(const std::string& syscall, const std::string& arch, const audit::ArgRecord& record);

}  // namespace sc::refine
