#include "tests/metrics/prometheus_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/metrics/http_client.h"

namespace sc::metrics::testing {

int free_loopback_port() {
  int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (bind(s, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      getsockname(s, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    int e = errno;
    close(s);
    throw std::runtime_error(std::string("bind 127.0.0.1:0: ") + strerror(e));
  }
  close(s);
  return ntohs(sa.sin_port);
}

PrometheusServer::PrometheusServer(const ScrapeTarget& target, const std::string& rules_file) {
  start("'" + target.address + "'", target, rules_file);
}

PrometheusServer::PrometheusServer(const ScrapeTargets& targets, const std::string& rules_file) {
  std::string list;
  for (const auto& a : targets.addresses) list += (list.empty() ? "'" : ", '") + a + "'";
  start(list, ScrapeTarget{}, rules_file);
}

void PrometheusServer::start(const std::string& targets_yaml, const ScrapeTarget& target, const std::string& rules_file) {
  char tmpl[] = "/tmp/sc-metrics-prometheus-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error(std::string("mkdtemp: ") + strerror(errno));
  dir_ = tmpl;
  std::ofstream cfg(dir_ + "/prometheus.yml");
  cfg << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n";
  if (!rules_file.empty()) cfg << "rule_files:\n  - '" << rules_file << "'\n";
  cfg << "scrape_configs:\n  - job_name: seccomp-companion\n    static_configs:\n      - targets: ["
      << targets_yaml << "]\n";
  if (!target.basic_auth_user.empty())
    cfg << "    basic_auth:\n      username: '" << target.basic_auth_user << "'\n      password: '"
        << target.basic_auth_password << "'\n";
  cfg.close();
  address_ = "127.0.0.1:" + std::to_string(free_loopback_port());
  const std::vector<std::string> argv = {"/usr/bin/prometheus", "--config.file=" + dir_ + "/prometheus.yml",
                                         "--storage.tsdb.path=" + dir_ + "/data",
                                         "--web.listen-address=" + address_, "--log.level=warn",
                                         "--web.console.templates=" + dir_, "--web.console.libraries=" + dir_};
  const std::string log_path = dir_ + "/prometheus.log";
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
  if (pid_ == 0) {
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); }
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull >= 0) dup2(devnull, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    try {
      if (http_get(address_, "/-/ready", "", 1000).status == 200) return;
    } catch (const std::exception&) {
    }
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::string l = log();
      std::filesystem::remove_all(dir_);
      throw std::runtime_error("prometheus exited at start: " + l);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      std::string l = log();
      stop();
      throw std::runtime_error("prometheus not ready after 20 s: " + l);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling its HTTP API until it answers
  }
}

PrometheusServer::~PrometheusServer() { stop(); }

void PrometheusServer::stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {  // up to 5 s for a clean shutdown
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) { pid_ = -1; break; }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));  // waitpid has no timeout: poll the exit
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

std::string PrometheusServer::log() const {
  std::ifstream in(dir_ + "/prometheus.log");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

nlohmann::json PrometheusServer::api(const std::string& path_and_query) const {
  HttpResponse r = http_get(address_, path_and_query, "", 10000);
  try {
    return nlohmann::json::parse(r.body);
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error("prometheus " + path_and_query + ": HTTP " + std::to_string(r.status) + ": " + r.body);
  }
}

nlohmann::json PrometheusServer::query(const std::string& promql) const {
  return api("/api/v1/query?query=" + url_encode(promql));
}

nlohmann::json PrometheusServer::query_range(const std::string& promql, int seconds_back, int step_seconds) const {
  long now = static_cast<long>(::time(nullptr));
  return api("/api/v1/query_range?query=" + url_encode(promql) + "&start=" + std::to_string(now - seconds_back) +
             "&end=" + std::to_string(now) + "&step=" + std::to_string(step_seconds));
}

}  // namespace sc::metrics::testing
