#include "mlux/io/hub/environment.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <pwd.h>
#include <sstream>
#include <unistd.h>

#include "mlux/error.h"

namespace mlux::io::hub {
namespace {

// Unset and empty are the same thing here: an empty HF_HOME would put the cache in the working
// directory, which nobody means (huggingface_hub would do that; see docs/hub.md).
std::optional<std::string> nonempty(const EnvLookup& env, std::string_view name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::optional<std::string> read_token_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string token = trim(ss.str());
  if (token.empty()) return std::nullopt;
  return token;
}

std::chrono::seconds seconds_from(const EnvLookup& env, std::string_view name, std::chrono::seconds fallback) {
  auto v = nonempty(env, name);
  if (!v) return fallback;
  char* end = nullptr;
  const double s = std::strtod(v->c_str(), &end);
  if (end == v->c_str() || *end != '\0' || !(s > 0))
    fail(name, ": '", *v, "' is not a positive number of seconds. Set it to e.g. 30, or unset it (default ",
         fallback.count(), ").");
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(s + 0.5)));
}

}  // namespace

bool env_is_true(const std::optional<std::string>& value) {
  if (!value) return false;
  std::string v = *value;
  for (char& c : v) c = char(std::toupper(static_cast<unsigned char>(c)));
  return v == "1" || v == "ON" || v == "YES" || v == "TRUE";
}

std::string expand_path(std::string_view path, const EnvLookup& env) {
  std::string in(path);
  if (!in.empty() && in[0] == '~' && (in.size() == 1 || in[1] == '/')) {
    if (auto home = nonempty(env, "HOME")) in = *home + in.substr(1);
  }
  std::string out;
  for (std::size_t i = 0; i < in.size();) {
    if (in[i] != '$') { out += in[i++]; continue; }
    const bool braced = i + 1 < in.size() && in[i + 1] == '{';
    std::size_t start = i + (braced ? 2 : 1), end = start;
    while (end < in.size() && (std::isalnum(static_cast<unsigned char>(in[end])) || in[end] == '_')) ++end;
    const bool closed = !braced || (end < in.size() && in[end] == '}');
    auto value = (end > start && closed) ? env(in.substr(start, end - start)) : std::nullopt;
    const std::size_t next = end + (braced && closed ? 1 : 0);
    out += value ? *value : in.substr(i, next - i);
    i = std::max(next, i + 1);
  }
  return out;
}

HubEnvironment HubEnvironment::from(const EnvLookup& env) {
  HubEnvironment h;
  if (auto e = nonempty(env, "HF_ENDPOINT")) {
    h.endpoint = *e;
    while (!h.endpoint.empty() && h.endpoint.back() == '/') h.endpoint.pop_back();
  }
  const std::string xdg = nonempty(env, "XDG_CACHE_HOME").value_or("~/.cache");
  const std::filesystem::path hf_home = expand_path(nonempty(env, "HF_HOME").value_or(xdg + "/huggingface"), env);
  auto cache = nonempty(env, "HF_HUB_CACHE");
  if (!cache) cache = nonempty(env, "HUGGINGFACE_HUB_CACHE");
  h.cache_dir = cache ? std::filesystem::path(expand_path(*cache, env)) : hf_home / "hub";

  auto token = nonempty(env, "HF_TOKEN");
  if (!token) token = nonempty(env, "HUGGING_FACE_HUB_TOKEN");
  if (token) token = trim(*token);
  if (token && !token->empty()) {
    h.token = token;
  } else {
    auto token_path = nonempty(env, "HF_TOKEN_PATH");
    h.token = read_token_file(token_path ? std::filesystem::path(expand_path(*token_path, env)) : hf_home / "token");
  }
  h.offline = env_is_true(env("HF_HUB_OFFLINE")) || env_is_true(env("TRANSFORMERS_OFFLINE"));
  h.metadata_timeout = seconds_from(env, "HF_HUB_ETAG_TIMEOUT", h.metadata_timeout);
  h.download_timeout = seconds_from(env, "HF_HUB_DOWNLOAD_TIMEOUT", h.download_timeout);
  return h;
}

HubEnvironment HubEnvironment::from_process() {
  return from([](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v) return std::string(v);
    if (name == "HOME") {  // as Python's expanduser: the password database when HOME is unset
      if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_dir) return std::string(pw->pw_dir);
    }
    return std::nullopt;
  });
}

}  // namespace mlux::io::hub
