#include "tests/metrics/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sc::metrics::testing {
namespace {

std::string base64(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += t[v >> 18]; out += t[(v >> 12) & 63]; out += t[(v >> 6) & 63]; out += t[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    out += t[v >> 18]; out += t[(v >> 12) & 63]; out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += t[v >> 18]; out += t[(v >> 12) & 63]; out += t[(v >> 6) & 63]; out += '=';
  }
  return out;
}

struct Fd {
  int fd;
  ~Fd() { if (fd >= 0) close(fd); }
};

}  // namespace

std::string url_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
    else { out += '%'; out += hex[c >> 4]; out += hex[c & 15]; }
  }
  return out;
}

HttpResponse http_get(const std::string& address, const std::string& target, const std::string& basic_auth,
                      int timeout_ms) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("http_get: bad address " + address);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  if (inet_pton(AF_INET, address.substr(0, colon).c_str(), &sa.sin_addr) != 1)
    throw std::runtime_error("http_get: bad host in " + address);
  Fd s{socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
  if (connect(s.fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0)
    throw std::runtime_error("connect " + address + ": " + strerror(errno));
  std::string req = "GET " + target + " HTTP/1.0\r\nHost: " + address + "\r\n";
  if (!basic_auth.empty()) req += "Authorization: Basic " + base64(basic_auth) + "\r\n";
  req += "Connection: close\r\n\r\n";
  for (size_t off = 0; off < req.size();) {
    ssize_t n = send(s.fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n < 0) throw std::runtime_error(std::string("send: ") + strerror(errno));
    off += static_cast<size_t>(n);
  }
  std::string raw;
  for (;;) {
    pollfd p{s.fd, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r == 0) throw std::runtime_error("http_get " + address + target + ": timeout");
    if (r < 0) throw std::runtime_error(std::string("poll: ") + strerror(errno));
    char buf[65536];
    ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n < 0) throw std::runtime_error(std::string("recv: ") + strerror(errno));
    if (n == 0) break;
    raw.append(buf, static_cast<size_t>(n));
  }
  HttpResponse resp;
  auto sp = raw.find(' ');
  if (raw.rfind("HTTP/", 0) != 0 || sp == std::string::npos) throw std::runtime_error("http_get: not HTTP: " + raw.substr(0, 80));
  resp.status = std::stoi(raw.substr(sp + 1, 3));
  auto body = raw.find("\r\n\r\n");
  if (body != std::string::npos) resp.body = raw.substr(body + 4);
  // Chunked bodies are not expected with HTTP/1.0 requests.
  return resp;
}

}  // namespace sc::metrics::testing
