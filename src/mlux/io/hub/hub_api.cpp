#include "mlux/io/hub/hub_api.h"

#include <charconv>

#include "mlux/error.h"
#include "mlux/io/hub/model_files.h"
#include "mlux/io/json.h"

namespace mlux::io::hub {
namespace {

// The hub explains failures in X-Error-Code / X-Error-Message, or in a JSON body {"error": ...}.
std::string server_message(const HttpResponse& r) {
  std::string m = r.header("x-error-message");
  if (m.empty() && !r.body.empty() && r.body.size() < 4096) {
    try {
      const Json j = Json::parse(r.body);
      if (j.is_object() && j.contains("error") && j["error"].is_string()) m = j["error"].get<std::string>();
    } catch (const Json::exception&) {
    }
  }
  return m.empty() ? "" : " The server said: \"" + m + "\"";
}

std::string repo_page(const HubEnvironment& env, const ModelRef& ref) { return env.endpoint + "/" + ref.repo_id; }

std::optional<std::uint64_t> parse_size(const std::string& text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

[[noreturn]] void throw_for_auth(const HttpResponse& r, const HubEnvironment& env, const ModelRef& ref) {
  const std::string code = r.header("x-error-code");
  const std::string page = repo_page(env, ref);
  const std::string tokens = env.endpoint + "/settings/tokens";
  if (code == "GatedRepo" && env.token)
    fail("pull: '", ref.repo_id, "' is gated and your token has no access yet (HTTP ", r.status,
         "). Open ", page, " logged in as the token's owner and accept the licence, then retry.", server_message(r));
  if (code == "GatedRepo")
    fail("pull: '", ref.repo_id, "' is gated: its authors ask you to accept their licence (HTTP ", r.status, "). Open ",
         page, ", log in and accept it, create a read token at ", tokens,
         ", then set HF_TOKEN=<token> (or save it with `hf auth login`) and retry.", server_message(r));
  if (env.token)
    fail("pull: ", env.endpoint, " refused access to '", ref.repo_id, "' with your token (HTTP ", r.status,
         "). Check that HF_TOKEN (or the saved token) is valid and can read this repo; if it is gated, accept its licence at ",
         page, ".", server_message(r));
  fail("pull: ", env.endpoint, " wants a login for '", ref.repo_id, "' (HTTP ", r.status,
       "): the model is private or gated, or the id does not exist. Check the id; if it is gated, accept its licence at ",
       page, ", create a read token at ", tokens, " and set HF_TOKEN=<token>.", server_message(r));
}

}  // namespace

std::string normalize_etag(std::string etag) {
  if (etag.rfind("W/", 0) == 0) etag.erase(0, 2);
  while (!etag.empty() && etag.front() == '"') etag.erase(0, 1);
  while (!etag.empty() && etag.back() == '"') etag.pop_back();
  return etag;
}

void throw_for_status(const HttpResponse& r, const HubEnvironment& env, const ModelRef& ref, const std::string& file) {
  const std::string code = r.header("x-error-code");
  if (r.status == 401 || r.status == 403) throw_for_auth(r, env, ref);
  if (code == "RevisionNotFound")
    fail("pull: '", ref.repo_id, "' has no revision '", ref.revision, "'. Give a branch, tag or commit that exists (see ",
         repo_page(env, ref), "/tree/main).", server_message(r));
  if (r.status == 404 && code == "RepoNotFound")
    fail("pull: no such model '", ref.repo_id, "' on ", env.endpoint, ". Check the id's spelling (search ", env.endpoint,
         "/models).", server_message(r));
  if (r.status == 404)
    fail("pull: no such model or file: ", file.empty() ? "'" + ref.repo_id + "'" : "'" + file + "' in '" + ref.to_string() + "'",
         " (HTTP 404 from ", r.url, "). Check the id and revision.", server_message(r));
  if (r.status == 429)
    fail("pull: ", env.endpoint, " is limiting the request rate (HTTP 429). Wait a minute and retry; set HF_TOKEN to get a "
         "higher limit.", server_message(r));
  if (r.status >= 500)
    fail("pull: ", env.endpoint, " failed (HTTP ", r.status, ") for ", r.url, ". The hub may be having trouble: retry later.",
         server_message(r));
  fail("pull: unexpected HTTP ", r.status, " from ", r.url, ".", server_message(r));
}

std::string HubApi::resolve_url(const ModelRef& ref, const std::string& file) const {
  return env_.endpoint + "/" + ref.repo_id + "/resolve/" + url_quote(ref.revision, "") + "/" + url_quote(file);
}

RequestOptions HubApi::request_options(const std::string& url, std::chrono::seconds timeout) const {
  RequestOptions opt;
  opt.timeout = timeout;
  if (env_.token && url_origin(url) == url_origin(env_.endpoint)) opt.headers.push_back("Authorization: Bearer " + *env_.token);
  return opt;
}

std::optional<RepoListing> HubApi::list_files(const ModelRef& ref) {
  const std::string url = env_.endpoint + "/api/models/" + ref.repo_id + "/revision/" + url_quote(ref.revision, "");
  const HttpResponse r = http_.get(url, request_options(url, env_.metadata_timeout));
  const std::string code = r.header("x-error-code");
  // A mirror that only serves files answers 404 (without the hub's error code) or 405/501 here.
  if ((r.status == 404 && code.empty()) || r.status == 405 || r.status == 501) return std::nullopt;
  if (r.status != 200) throw_for_status(r, env_, ref, "");
  Json info;
  try {
    info = Json::parse(r.body);
  } catch (const Json::exception&) {
    return std::nullopt;  // an HTML page from a proxy, not the API
  }
  if (!info.is_object() || !info.contains("sha") || !info["sha"].is_string() || !is_commit_hash(info["sha"].get<std::string>()) ||
      !info.contains("siblings") || !info["siblings"].is_array())
    return std::nullopt;
  RepoListing listing{.commit = info["sha"].get<std::string>(), .files = {}};
  for (const auto& s : info["siblings"])
    if (s.is_object() && s.contains("rfilename") && s["rfilename"].is_string() &&
        is_safe_repo_path(s["rfilename"].get<std::string>()))
      listing.files.push_back(s["rfilename"].get<std::string>());
  return listing;
}

FileMetadata HubApi::file_metadata(const ModelRef& ref, const std::string& file) {
  const std::string url = resolve_url(ref, file);
  const HttpResponse r = http_.head(url, request_options(url, env_.metadata_timeout));
  FileMetadata m;
  m.commit = r.header("x-repo-commit");
  const std::string code = r.header("x-error-code");
  if (r.status == 404 && (code == "EntryNotFound" || code.empty())) {
    m.exists = false;
    return m;
  }
  if (r.status >= 400) throw_for_status(r, env_, ref, file);
  m.etag = normalize_etag(r.header("x-linked-etag").empty() ? r.header("etag") : r.header("x-linked-etag"));
  m.size = parse_size(r.header("x-linked-size").empty() ? r.header("content-length") : r.header("x-linked-size"));
  const std::string location = r.header("location");
  m.download_url = (r.status >= 300 && r.status < 400 && !location.empty()) ? location : r.url;
  if (m.commit.empty() || m.etag.empty())
    fail("pull: ", url, " answered without ", m.commit.empty() ? "an X-Repo-Commit" : "an ETag",
         " header, so it does not look like a Hugging Face hub (or a proxy removed the header). Check HF_ENDPOINT (now '",
         env_.endpoint, "').");
  if (!is_safe_repo_path(m.etag) || m.etag.find('/') != std::string::npos)
    fail("pull: ", url, " sent the ETag '", m.etag, "', which cannot name a cache file. Check HF_ENDPOINT.");
  return m;
}

}  // namespace mlux::io::hub
