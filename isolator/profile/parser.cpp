// The profile parser: JSON text -> Profile, strict about every value it understands and
// naming the JSON path of whatever is wrong. Unknown keys are ignored, as Docker does.
#include "isolator/profile/parser.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "isolator/profile/arch.h"
#include "isolator/profile/capabilities.h"

namespace sc::profile {

namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxErrno = 4095;     // the kernel clamps SECCOMP_RET_ERRNO data to this
constexpr uint64_t kMaxRetData = 0xffff; // SECCOMP_RET_DATA is 16 bits

const char* const kKnownFlags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
};

std::string join(const std::string& base, const std::string& key) {
  return base.empty() ? key : base + "." + key;
}
std::string index(const std::string& base, size_t i) {
  return base + "[" + std::to_string(i) + "]";
}

class Parser {
 public:
  explicit Parser(const ParseOptions& options) : options_(options) {}

  Profile parse(const json& doc) {
    expect_object(doc, "");
    Profile profile;
    profile.default_action = parse_action(require(doc, "", "defaultAction"), "defaultAction");
    if (doc.contains("defaultErrnoRet") && !doc["defaultErrnoRet"].is_null())
      fold_errno(profile.default_action, doc["defaultErrnoRet"], "defaultErrnoRet");

    if (const json* arch_map = mesos() ? &require(doc, "", "archMap") : optional(doc, "archMap"))
      parse_arch_map(*arch_map, profile);
    if (const json* arches = optional(doc, "architectures")) {
      expect_array(*arches, "architectures");
      for (size_t i = 0; i < arches->size(); ++i)
      {
        parse_arch_token((*arches)[i], index("architectures", i));
        profile.architectures.push_back((*arches)[i].get<std::string>());
      }
    }
    if (const json* flags = optional(doc, "flags")) {
      expect_array(*flags, "flags");
      for (size_t i = 0; i < flags->size(); ++i) {
        std::string flag = string_of((*flags)[i], index("flags", i));
        bool known = false;
        for (const char* k : kKnownFlags) known = known || flag == k;
        if (!known) fail(index("flags", i), "unknown seccomp filter flag '" + flag + "'");
        profile.flags.push_back(flag);
      }
    }
    if (const json* p = optional(doc, "listenerPath"))
      profile.listener_path = string_of(*p, "listenerPath");
    if (const json* p = optional(doc, "listenerMetadata"))
      profile.listener_metadata = string_of(*p, "listenerMetadata");

    if (const json* syscalls = mesos() ? &require(doc, "", "syscalls") : optional(doc, "syscalls")) {
      expect_array(*syscalls, "syscalls");
      for (size_t i = 0; i < syscalls->size(); ++i)
        profile.syscalls.push_back(parse_rule((*syscalls)[i], index("syscalls", i)));
    }

    check_notify(profile);
    return profile;
  }

 private:
  bool mesos() const { return options_.dialect == Dialect::Mesos; }

  [[noreturn]] static void fail(const std::string& path, const std::string& what) {
    throw ParseError(path, what);
  }

  // Mesos: "Cannot determine '<key>' for the Seccomp configuration: Not found".
  const json& require(const json& object, const std::string& base, const std::string& key) {
    auto it = object.find(key);
    if (it == object.end())
      fail(join(base, key), "Cannot determine '" + key + "' for the Seccomp configuration: Not found");
    return *it;
  }
  // A key that may be absent or null (Docker writes null for empty lists).
  static const json* optional(const json& object, const std::string& key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return nullptr;
    return &*it;
  }

  static void expect_object(const json& value, const std::string& path) {
    if (!value.is_object())
      fail(path, std::string("expected an object, got ") + value.type_name());
  }
  static void expect_array(const json& value, const std::string& path) {
    if (!value.is_array())
      fail(path, std::string("expected an array, got ") + value.type_name());
  }
  static std::string string_of(const json& value, const std::string& path) {
    if (!value.is_string())
      fail(path, std::string("expected a string, got ") + value.type_name());
    return value.get<std::string>();
  }
  static uint64_t unsigned_of(const json& value, const std::string& path, uint64_t max) {
    if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0))
      fail(path, std::string("expected a non-negative integer, got ") +
                     (value.is_number() ? value.dump() : value.type_name()));
    uint64_t v = value.get<uint64_t>();
    if (v > max) fail(path, "value " + std::to_string(v) + " is out of range (0.." + std::to_string(max) + ")");
    return v;
  }

  Action parse_action(const json& value, const std::string& path) {
    std::string name = string_of(value, path);
    auto kind = action_from_name(name);
    if (!kind) fail(path, "Unknown syscall action: '" + name + "'");
    Action action{*kind, std::nullopt};
    // Mesos maps every ERRNO to EPERM and TRACE to TRACE(EPERM); errnoRet may override.
    if (*kind == ActionKind::Errno || *kind == ActionKind::Trace) action.data = EPERM;
    return action;
  }

  void fold_errno(Action& action, const json& value, const std::string& path) {
    if (action.kind == ActionKind::Errno)
      action.data = static_cast<uint32_t>(unsigned_of(value, path, kMaxErrno));
    else if (action.kind == ActionKind::Trace)
      action.data = static_cast<uint32_t>(unsigned_of(value, path, kMaxRetData));
    else
      fail(path, std::string("only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not ") +
                     action_name(action.kind));
  }

  uint32_t parse_arch_token(const json& value, const std::string& path) {
    std::string token = string_of(value, path);
    auto arch = scmp_arch_from_token(token);
    if (!arch) fail(path, "Unknown architecture: '" + token + "'");
    return *arch;
  }

  void parse_arch_map(const json& arch_map, Profile& profile) {
    expect_array(arch_map, "archMap");
    for (size_t i = 0; i < arch_map.size(); ++i) {
      const std::string path = index("archMap", i);
      const json& entry = arch_map[i];
      expect_object(entry, path);
      ArchEntry result;
      const json& architecture = require(entry, path, "architecture");
      parse_arch_token(architecture, join(path, "architecture"));
      result.architecture = architecture.get<std::string>();
      const json* subs = nullptr;
      if (mesos()) {
        const json& s = require(entry, path, "subArchitectures");
        subs = s.is_null() ? nullptr : &s;
      } else {
        subs = optional(entry, "subArchitectures");
      }
      if (subs) {
        const std::string sub_path = join(path, "subArchitectures");
        expect_array(*subs, sub_path);
        for (size_t j = 0; j < subs->size(); ++j) {
          parse_arch_token((*subs)[j], index(sub_path, j));
          result.sub_architectures.push_back((*subs)[j].get<std::string>());
        }
      }
      profile.arch_map.push_back(std::move(result));
    }
  }

  SyscallRule parse_rule(const json& rule, const std::string& path) {
    expect_object(rule, path);
    SyscallRule result;
    result.json_path = path;

    const json* names = optional(rule, "names");
    const json* name = optional(rule, "name");
    if (mesos() && !name) names = &require(rule, path, "names");
    if (names && name)
      fail(path, "both 'name' and 'names' are given; use one of them");
    if (name) {
      result.names.push_back(string_of(*name, join(path, "name")));
      if (result.names.back().empty()) fail(join(path, "name"), "empty syscall name");
    } else if (names) {
      const std::string names_path = join(path, "names");
      expect_array(*names, names_path);
      if (names->empty()) fail(names_path, "Syscall 'names' list is empty");
      for (size_t i = 0; i < names->size(); ++i) {
        std::string n = string_of((*names)[i], index(names_path, i));
        if (n.empty()) fail(index(names_path, i), "empty syscall name");
        if (mesos() && !syscall_name_known(n))
          fail(index(names_path, i), "Unrecognized syscall '" + n + "'");
        result.names.push_back(std::move(n));
      }
    } else {
      fail(join(path, "names"), "Cannot determine 'names' for the Seccomp configuration: Not found");
    }

    result.action = parse_action(require(rule, path, "action"), join(path, "action"));
    if (const json* e = optional(rule, "errnoRet")) fold_errno(result.action, *e, join(path, "errnoRet"));

    const json* args = nullptr;
    if (mesos()) {
      const json& a = require(rule, path, "args");
      args = a.is_null() ? nullptr : &a;
    } else {
      args = optional(rule, "args");
    }
    if (args) {
      const std::string args_path = join(path, "args");
      expect_array(*args, args_path);
      for (size_t i = 0; i < args->size(); ++i)
        result.args.push_back(parse_arg((*args)[i], index(args_path, i)));
    }

    for (const char* key : {"includes", "excludes"}) {
      const json* cond = mesos() ? &require(rule, path, key) : optional(rule, key);
      if (!cond || cond->is_null()) continue;
      Condition parsed = parse_condition(*cond, join(path, key));
      (std::string(key) == "includes" ? result.includes : result.excludes) = std::move(parsed);
    }
    if (const json* c = optional(rule, "comment")) {
      if (c->is_string()) result.comment = c->get<std::string>();
    }
    return result;
  }

  ArgCondition parse_arg(const json& arg, const std::string& path) {
    expect_object(arg, path);
    ArgCondition result;
    result.index = static_cast<unsigned>(unsigned_of(require(arg, path, "index"), join(path, "index"), 5));
    const json* value = mesos() ? &require(arg, path, "value") : optional(arg, "value");
    if (value) result.value = unsigned_of(*value, join(path, "value"), UINT64_MAX);
    const json* two = mesos() ? &require(arg, path, "valueTwo") : optional(arg, "valueTwo");
    if (two) result.value_two = unsigned_of(*two, join(path, "valueTwo"), UINT64_MAX);
    std::string op = string_of(require(arg, path, "op"), join(path, "op"));
    auto parsed = op_from_name(op);
    if (!parsed) fail(join(path, "op"), "Unknown operator: '" + op + "'");
    result.op = *parsed;
    return result;
  }

  Condition parse_condition(const json& cond, const std::string& path) {
    expect_object(cond, path);
    Condition result;
    if (const json* arches = optional(cond, "arches")) {
      const std::string p = join(path, "arches");
      expect_array(*arches, p);
      for (size_t i = 0; i < arches->size(); ++i) {
        std::string a = string_of((*arches)[i], index(p, i));
        if (!scmp_arch_from_short(a)) fail(index(p, i), "Unknown architecture: '" + a + "'");
        result.arches.push_back(std::move(a));
      }
    }
    if (const json* caps = optional(cond, "caps")) {
      const std::string p = join(path, "caps");
      expect_array(*caps, p);
      for (size_t i = 0; i < caps->size(); ++i) {
        std::string c = string_of((*caps)[i], index(p, i));
        auto canonical = normalize_capability(c);
        if (!canonical) fail(index(p, i), "Unknown capability: '" + c + "'");
        result.caps.push_back(*canonical);
      }
    }
    if (const json* k = optional(cond, "minKernel")) {
      std::string text = string_of(*k, join(path, "minKernel"));
      auto version = parse_kernel_version(text);
      if (!version) fail(join(path, "minKernel"), "invalid kernel version '" + text + "' (expected e.g. '4.8')");
      result.min_kernel = version;
    }
    return result;
  }

  // SCMP_ACT_NOTIFY hands the syscall to a user-space agent; without one to serve the
  // listener fd the call would block forever, so refuse it here rather than at run time.
  void check_notify(const Profile& profile) {
    if (profile.default_action.kind == ActionKind::Notify)
      fail("defaultAction", "SCMP_ACT_NOTIFY cannot be the default action (every syscall, "
                            "including the agent's own, would wait for a notification)");
    for (const auto& rule : profile.syscalls) {
      if (rule.action.kind != ActionKind::Notify) continue;
      if (profile.listener_path.empty())
        fail(rule.json_path + ".action",
             "SCMP_ACT_NOTIFY needs a seccomp agent to serve it, but the profile has no "
             "'listenerPath'");
      for (const auto& n : rule.names)
        if (n == "write")
          fail(rule.json_path + ".action",
               "SCMP_ACT_NOTIFY cannot be used for 'write' (the notification itself could deadlock)");
    }
  }

  const ParseOptions& options_;
};

std::string json_error_reason(const json::parse_error& e) {
  // nlohmann's text: "[json.exception.parse_error.101] parse error at line 1, column 2: <reason>"
  std::string text = e.what();
  auto column = text.find(", column ");
  if (column != std::string::npos) {
    auto colon = text.find(": ", column);
    if (colon != std::string::npos) return text.substr(colon + 2);
  }
  auto bracket = text.find("] ");
  return bracket == std::string::npos ? text : text.substr(bracket + 2);
}

// "line L, column C" of a 1-based byte offset (0 and offsets past the end clamp).
std::string line_and_column(const std::string& text, size_t byte) {
  size_t line = 1, column = 0;
  size_t end = std::min<size_t>(byte, text.size());
  for (size_t i = 0; i < end; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 0;
    } else {
      ++column;
    }
  }
  if (column == 0) column = 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

}  // namespace

Profile parse_profile(const std::string& json_text, const ParseOptions& options) {
  json doc;
  try {
    doc = json::parse(json_text);
  } catch (const json::parse_error& e) {
    // e.byte is the 1-based offset of the byte where parsing stopped.
    throw ParseError("", "invalid JSON at " + line_and_column(json_text, e.byte) + ": " + json_error_reason(e));
  } catch (const json::out_of_range& e) {
    // A number too large for a double (e.g. 1e999): nlohmann names the token, not its offset.
    std::string what = e.what();
    auto open = what.find('\''), close = what.rfind('\'');
    std::string token = open != std::string::npos && close > open ? what.substr(open + 1, close - open - 1) : "";
    auto at = token.empty() ? std::string::npos : json_text.find(token);
    throw ParseError("", "invalid JSON" + (at == std::string::npos ? std::string() : " at " + line_and_column(json_text, at + 1)) +
                             ": number out of range" + (token.empty() ? "" : " '" + token + "'"));
  }
  return Parser(options).parse(doc);
}

Profile parse_profile(const std::string& json_text) { return parse_profile(json_text, ParseOptions{}); }

Profile load_profile(const std::string& file_path, const ParseOptions& options) {
  auto read_error = [&](int error) {
    return ParseError("", "Failed to read Seccomp profile file '" + file_path + "': " + std::strerror(error),
                      ParseError::Formatted{});
  };
  int fd = ::open(file_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw read_error(errno);
  std::string text;
  char buffer[65536];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      throw read_error(error);  // e.g. EISDIR for a directory
    }
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  try {
    return parse_profile(text, options);
  } catch (const ParseError& e) {
    throw ParseError(e.path(), "Failed to parse Seccomp profile '" + file_path + "': " + e.what(),
                     ParseError::Formatted{});
  }
}

Profile load_profile(const std::string& file_path) { return load_profile(file_path, ParseOptions{}); }

}  // namespace sc::profile
