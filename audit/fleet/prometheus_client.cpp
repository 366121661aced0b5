#include "audit/fleet/prometheus_client.h"

#include <curl/curl.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace sc::fleet {
namespace {

using nlohmann::json;

size_t append_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// curl_global_init is not thread-safe and must run once before any handle: a function-local
// static does that exactly once.
void init_curl_once() {
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) throw std::runtime_error(std::string("libcurl: ") + curl_easy_strerror(rc));
}

double sample_value(const json& v, const std::string& where) {
  // Prometheus writes values as strings: "12", "1.7e+09", "NaN", "+Inf", "-Inf".
  if (!v.is_string()) throw std::runtime_error(where + " is not a string");
  const std::string s = v.get<std::string>();
  if (s == "NaN") return NAN;
  if (s == "+Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  size_t used = 0;
  double d = 0;
  try {
    d = std::stod(s, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != s.size()) throw std::runtime_error(where + " '" + s + "' is not a number");
  return d;
}

}  // namespace

const std::string& PromSample::label(const std::string& name) const {
  static const std::string none;
  auto it = labels.find(name);
  return it == labels.end() ? none : it->second;
}

PrometheusClient::PrometheusClient(std::string base_url, long timeout_seconds)
    : base_(std::move(base_url)), timeout_seconds_(timeout_seconds) {
  const bool http = base_.rfind("http://", 0) == 0, https = base_.rfind("https://", 0) == 0;
  const size_t host_at = http ? 7 : 8;
  if (!http && !https)
    throw std::invalid_argument("--prometheus '" + base_ + "': not an http:// or https:// URL");
  // "http://prom:9090/" and "http://prom:9090" are one server: the API path is appended.
  while (base_.size() > host_at && base_.back() == '/') base_.pop_back();
  if (base_.size() <= host_at || base_[host_at] == '/' || base_[host_at] == ':')
    throw std::invalid_argument("--prometheus '" + base_ + "': no host");
  if (base_.find_first_of("?# \t\r\n") != std::string::npos)
    throw std::invalid_argument("--prometheus '" + base_ + "': the URL of the server only (no query, fragment or space)");
}

std::vector<PromSample> PrometheusClient::query(const std::string& promql) const {
  init_curl_once();
  const std::string where = "prometheus '" + base_ + "', query '" + promql + "'";
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw std::runtime_error(where + ": libcurl could not make a handle");
  std::unique_ptr<char, void (*)(void*)> escaped(
      curl_easy_escape(curl.get(), promql.data(), static_cast<int>(promql.size())), curl_free);
  if (!escaped) throw std::runtime_error(where + ": libcurl could not encode the query");
  // POST keeps long selectors out of the URL (and out of proxies' logs); the API takes both.
  const std::string form = std::string("query=") + escaped.get();
  const std::string url = base_ + "/api/v1/query";
  std::string body;
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, form.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, timeout_seconds_);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for timeouts (threads, our own signal handling)
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK)
    throw std::runtime_error(where + ": " + (error[0] ? std::string(error) : std::string(curl_easy_strerror(rc))));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return parse_query_answer(body, status, where);
}

std::vector<PromSample> parse_query_answer(const std::string& body, long http_status, const std::string& where) {
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception&) {
    std::string head = body.substr(0, 200);
    for (char& c : head)
      if (static_cast<unsigned char>(c) < 0x20) c = ' ';
    throw std::runtime_error(where + ": HTTP " + std::to_string(http_status) + ", the answer is not JSON: " + head);
  }
  if (!j.is_object()) throw std::runtime_error(where + ": malformed answer: $ is not an object");
  const std::string status = j.value("status", "");
  if (status == "error" || http_status < 200 || http_status >= 300) {
    std::string type = j.contains("errorType") && j["errorType"].is_string() ? j["errorType"].get<std::string>() : "";
    std::string msg = j.contains("error") && j["error"].is_string() ? j["error"].get<std::string>() : "";
    throw std::runtime_error(where + ": HTTP " + std::to_string(http_status) + ": Prometheus error" +
                             (type.empty() ? "" : " (" + type + ")") + (msg.empty() ? "" : ": " + msg));
  }
  if (status != "success") throw std::runtime_error(where + ": malformed answer: $.status is not \"success\"");
  if (!j.contains("data") || !j["data"].is_object()) throw std::runtime_error(where + ": malformed answer: no $.data object");
  const json& data = j["data"];
  if (data.value("resultType", "") != "vector")
    throw std::runtime_error(where + ": malformed answer: $.data.resultType is not \"vector\"");
  if (!data.contains("result") || !data["result"].is_array())
    throw std::runtime_error(where + ": malformed answer: $.data.result is not an array");
  std::vector<PromSample> out;
  size_t i = 0;
  for (const json& r : data["result"]) {
    const std::string at = where + ": malformed answer: $.data.result[" + std::to_string(i++) + "]";
    if (!r.is_object() || !r.contains("metric") || !r["metric"].is_object())
      throw std::runtime_error(at + ".metric is not an object");
    PromSample s;
    for (const auto& [k, v] : r["metric"].items()) {
      if (!v.is_string()) throw std::runtime_error(at + ".metric." + k + " is not a string");
      s.labels[k] = v.get<std::string>();
    }
    if (!r.contains("value") || !r["value"].is_array() || r["value"].size() != 2)
      throw std::runtime_error(at + ".value is not a [time, value] pair");
    s.value = sample_value(r["value"][1], at + ".value[1]");
    out.push_back(std::move(s));
  }
  return out;
}

std::string promql_string(const std::string& value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace sc::fleet
