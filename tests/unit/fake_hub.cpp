// FakeHub (see fake_hub.h).
#include "fake_hub.h"

#include <fstream>
#include <sstream>

#include <httplib.h>

#include "mlux/io/hub/content_digest.h"

namespace mlux::testing {
namespace hub = mlux::io::hub;

namespace {

std::string digest(hub::DigestKind kind, const std::string& content) {
  hub::ContentDigest d(kind, content.size());
  d.update(content);
  return d.hex();
}

void hub_error(httplib::Response& res, int status, const std::string& code, const std::string& message) {
  res.status = status;
  res.set_header("X-Error-Code", code);
  res.set_header("X-Error-Message", message);
  res.set_content("{\"error\": \"" + message + "\"}", "application/json");
}

}  // namespace

struct FakeHub::State {
  httplib::Server server;
  std::string endpoint;
  std::string cdn_origin;  // another host name for the same server, as the hub's CDN is another host
  mutable std::mutex mu;
  std::map<std::string, FakeRepo> repos;
  std::map<std::string, std::string> renames;
  std::map<std::string, std::size_t> drops;         // file → bytes sent before the drop
  std::set<std::string> corrupted;
  std::map<std::string, std::string> cdn;           // sha256 → file path
  std::map<std::string, std::string> cdn_content;   // sha256 → content
  bool api = true;
  std::vector<RecordedRequest> log;

  std::string commit(const std::string& repo_id, const FakeRepo& repo, const std::string& rev) const {
    if (auto it = repo.refs.find(rev); it != repo.refs.end())
      return it->second.empty() ? digest(hub::DigestKind::git_blob_sha1, repo_id + "@" + rev) : it->second;
    for (const auto& [name, c] : repo.refs)
      if (rev == (c.empty() ? digest(hub::DigestKind::git_blob_sha1, repo_id + "@" + name) : c)) return rev;
    return "";
  }

  // Checks repo, access and revision; on failure fills `res` and returns nullptr.
  const FakeRepo* find(const httplib::Request& req, httplib::Response& res, const std::string& id,
                       const std::string& rev, std::string& commit_out) const {
    auto it = repos.find(id);
    if (it == repos.end()) {
      hub_error(res, 404, "RepoNotFound", "Repository not found");
      return nullptr;
    }
    if (it->second.gated && req.get_header_value("Authorization") != std::string("Bearer ") + kToken) {
      hub_error(res, 401, "GatedRepo", "Access to model " + id + " is restricted. You must have access to it and be authenticated to access it. Please log in.");
      return nullptr;
    }
    commit_out = commit(id, it->second, rev);
    if (commit_out.empty()) {
      hub_error(res, 404, "RevisionNotFound", "Invalid rev id: " + rev);
      return nullptr;
    }
    return &it->second;
  }

  void serve(const httplib::Request& req, httplib::Response& res, const std::string& file, std::string content) {
    if (corrupted.count(file)) content[content.size() / 2] ^= 0x5a;
    auto drop = drops.find(file);
    if (req.method == "HEAD" || drop == drops.end()) {
      res.set_content(content, "application/octet-stream");
      return;
    }
    const std::size_t cut = drop->second;
    drops.erase(drop);
    auto shared = std::make_shared<std::string>(std::move(content));
    res.set_content_provider(shared->size(), "application/octet-stream",
                             [shared, cut](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                               sink.write(shared->data() + offset, std::min(cut, length));
                               return false;  // closes the connection mid-body
                             });
  }

  void api_info(const httplib::Request& req, httplib::Response& res);
  void resolve(const httplib::Request& req, httplib::Response& res);
  void content(const httplib::Request& req, httplib::Response& res);
};

void FakeHub::State::api_info(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mu);
  const std::string id = req.matches[1], rev = req.matches[2];
  if (!api) {
    res.status = 404;  // a mirror that only serves files: no error code
    return;
  }
  if (auto r = renames.find(id); r != renames.end()) {
    res.status = 307;
    res.set_header("Location", "/api/models/" + r->second + "/revision/" + rev);
    return;
  }
  std::string commit_id;
  const FakeRepo* repo = find(req, res, id, rev, commit_id);
  if (!repo) return;
  std::string siblings;
  for (const auto& [path, _] : repo->files) siblings.append(siblings.empty() ? "" : ",").append("{\"rfilename\":\"").append(path).append("\"}");
  res.set_content("{\"id\":\"" + id + "\",\"sha\":\"" + commit_id + "\",\"siblings\":[" + siblings + "]}", "application/json");
}

void FakeHub::State::resolve(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mu);
  const std::string id = req.matches[1], rev = req.matches[2], file = req.matches[3];
  if (auto r = renames.find(id); r != renames.end()) {
    res.status = 307;
    res.set_header("Location", "/" + r->second + "/resolve/" + rev + "/" + file);
    return;
  }
  std::string commit_id;
  const FakeRepo* repo = find(req, res, id, rev, commit_id);
  if (!repo) return;
  res.set_header("X-Repo-Commit", commit_id);
  auto f = repo->files.find(file);
  if (f == repo->files.end()) return hub_error(res, 404, "EntryNotFound", file + " does not exist on \"" + rev + "\"");
  const std::string etag = etag_of(file, f->second);
  if (!is_lfs(file, f->second)) {
    res.set_header("ETag", "\"" + etag + "\"");
    return serve(req, res, file, f->second);
  }
  cdn[etag] = file;
  cdn_content[etag] = f->second;
  res.status = 302;
  res.set_header("Location", cdn_origin + "/cdn/" + etag);
  res.set_header("X-Linked-Etag", "\"" + etag + "\"");
  res.set_header("X-Linked-Size", std::to_string(f->second.size()));
  res.set_header("ETag", "W/\"" + digest(hub::DigestKind::git_blob_sha1, "version https://git-lfs.github.com/spec/v1\n") + "\"");
}

void FakeHub::State::content(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard lock(mu);
  auto it = cdn_content.find(req.matches[1]);
  if (it == cdn_content.end()) {
    res.status = 404;
    return;
  }
  serve(req, res, cdn[it->first], it->second);
}

FakeHub::FakeHub() : state_(std::make_shared<State>()) {
  State* s = state_.get();
  s->server.set_pre_routing_handler([s](const httplib::Request& req, httplib::Response&) {
    std::lock_guard lock(s->mu);
    s->log.push_back({req.method, req.path, req.get_header_value("Range"), req.get_header_value("Authorization")});
    return httplib::Server::HandlerResponse::Unhandled;
  });
  s->server.Get(R"(/api/models/(.+)/revision/(.+))", [s](const auto& req, auto& res) { s->api_info(req, res); });
  s->server.Get(R"(/cdn/([0-9a-f]{64}))", [s](const auto& req, auto& res) { s->content(req, res); });
  s->server.Get(R"(/(.+)/resolve/([^/]+)/(.+))", [s](const auto& req, auto& res) { s->resolve(req, res); });
  port_ = s->server.bind_to_any_port("127.0.0.1");
  s->endpoint = "http://127.0.0.1:" + std::to_string(port_);
  s->cdn_origin = "http://localhost:" + std::to_string(port_);
  thread_ = std::thread([s] { s->server.listen_after_bind(); });
  // stop() before the loop runs would be lost and the destructor would wait forever.
  while (!s->server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

FakeHub::~FakeHub() {
  state_->server.stop();
  thread_.join();
}

std::string FakeHub::endpoint() const { return state_->endpoint; }

void FakeHub::add_repo(const std::string& id, FakeRepo repo) {
  std::lock_guard lock(state_->mu);
  state_->repos[id] = std::move(repo);
}

void FakeHub::rename_repo(const std::string& old_id, const std::string& new_id) {
  std::lock_guard lock(state_->mu);
  state_->renames[old_id] = new_id;
}

void FakeHub::drop_once(const std::string& file, std::size_t bytes) {
  std::lock_guard lock(state_->mu);
  state_->drops[file] = bytes;
}

void FakeHub::corrupt(const std::string& file) {
  std::lock_guard lock(state_->mu);
  state_->corrupted.insert(file);
}

void FakeHub::set_api_enabled(bool on) {
  std::lock_guard lock(state_->mu);
  state_->api = on;
}

std::string FakeHub::commit_of(const std::string& repo, const std::string& revision) const {
  std::lock_guard lock(state_->mu);
  return state_->commit(repo, state_->repos.at(repo), revision);
}

bool FakeHub::is_lfs(const std::string& path, const std::string& content) {
  return content.size() >= 4096 || (path.size() > 12 && path.substr(path.size() - 12) == ".safetensors");
}

std::string FakeHub::etag_of(const std::string& path, const std::string& content) {
  return digest(is_lfs(path, content) ? hub::DigestKind::sha256 : hub::DigestKind::git_blob_sha1, content);
}

std::vector<RecordedRequest> FakeHub::requests() const {
  std::lock_guard lock(state_->mu);
  return state_->log;
}

void FakeHub::clear_requests() {
  std::lock_guard lock(state_->mu);
  state_->log.clear();
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, std::string> fixture_repo_files(const std::string& golden_name) {
  const std::filesystem::path golden = std::filesystem::path(MLUX_GOLDEN_DIR) / golden_name;
  const std::filesystem::path demo = std::filesystem::path(MLUX_SOURCE_DIR) / "models" / "demo";
  std::map<std::string, std::string> files;
  for (const char* f : {"config.json", "generation_config.json", "model.safetensors", "reference.safetensors"})
    files[f] = read_bytes(golden / f);
  files["tokenizer.json"] = read_bytes(demo / "tokenizer.json");
  files["tokenizer_config.json"] = read_bytes(demo / "tokenizer_config.json");
  files["README.md"] = "# a tiny model\n";
  files[".gitattributes"] = "*.safetensors filter=lfs diff=lfs merge=lfs -text\n";
  files["consolidated.safetensors"] = "not for mlux";
  files["original/params.json"] = "{}";
  return files;
}

}  // namespace mlux::testing
