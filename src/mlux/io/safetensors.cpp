#include "mlux/io/safetensors.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "mlux/error.h"
#include "mlux/io/atomic_file.h"
#include "mlux/io/json.h"

namespace mlux::io {
namespace {

constexpr std::uint64_t kMaxHeader = 100'000'000;  // the reference reader's limit

std::uint64_t read_u64_le(const std::byte* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | std::uint64_t(std::uint8_t(p[i]));
  return v;
}

// nlohmann keeps the last of duplicate keys silently; safetensors forbids them.
Json parse_header(std::string_view text, const std::string& where) {
  std::set<std::string> seen;
  std::string dup;
  auto cb = [&](int depth, Json::parse_event_t ev, Json& parsed) {
    if (depth == 1 && ev == Json::parse_event_t::key) {
      const auto k = parsed.get<std::string>();
      if (!seen.insert(k).second && dup.empty()) dup = k;
    }
    return true;
  };
  Json j;
  try {
    j = Json::parse(text, cb);
  } catch (const Json::exception& e) {  // syntax, or a number past double
    fail("safetensors: '", where, "' has a malformed JSON header (", e.what(),
         "). The file is damaged or not a safetensors file; re-download it.");
  }
  if (!dup.empty()) fail("safetensors: '", where, "' lists tensor '", dup, "' twice in its header");
  if (!j.is_object()) fail("safetensors: '", where, "' header is not a JSON object");
  return j;
}

TensorEntry parse_entry(const std::string& name, const Json& v, const std::string& where, std::uint64_t data_size) {
  const std::string at = str("safetensors: tensor '", name, "' in '", where, "'");
  if (!v.is_object()) fail(at, " is not an object in the header");
  TensorEntry e;
  e.name = name;
  auto dt = v.find("dtype");
  if (dt == v.end() || !dt->is_string()) fail(at, " has no string 'dtype'");
  e.dtype_name = dt->get<std::string>();
  e.dtype = dtype_from_safetensors(e.dtype_name);
  static const std::set<std::string> kKnown = {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ",
      "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "I64", "U64", "F64", "C64", "F4", "F6_E2M3", "F6_E3M2"};
  if (!kKnown.count(e.dtype_name)) fail(at, " has unknown dtype '", e.dtype_name, "'");
  auto sh = v.find("shape");
  if (sh == v.end() || !sh->is_array()) fail(at, " has no 'shape' array");
  if (sh->size() > std::size_t(Shape::kMaxDims)) fail(at, " has ", sh->size(), " dimensions; at most 8 are supported");
  // Dimensions and their product stay below 2^62, so element and byte counts never overflow int64.
  constexpr std::uint64_t kMaxCount = std::uint64_t(1) << 62;
  std::uint64_t numel = 1;
  for (const auto& d : *sh) {
    if (!d.is_number_unsigned() && !(d.is_number_integer() && d.get<std::int64_t>() >= 0))
      fail(at, " has an invalid shape ", sh->dump(), " (dimensions must be non-negative integers)");
    const std::uint64_t dim = d.get<std::uint64_t>();
    if (dim > kMaxCount || (dim != 0 && numel > kMaxCount / dim)) fail(at, " has an absurdly large shape ", sh->dump());
    numel *= dim;
    e.shape.push_back(std::int64_t(dim));
  }
  auto off = v.find("data_offsets");
  if (off == v.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
      !(*off)[1].is_number_unsigned())
    fail(at, " has invalid 'data_offsets' (need [begin, end] as non-negative integers)");
  e.begin = (*off)[0].get<std::uint64_t>();
  e.end = (*off)[1].get<std::uint64_t>();
  if (e.begin > e.end || e.end > data_size)
    fail(at, " has data_offsets [", e.begin, ", ", e.end, "] outside the data buffer of ", data_size,
         " bytes. The file is truncated or damaged; re-download it.");
  if (e.dtype) {
    // numel * size must equal the byte span.
    if (numel > kMaxCount / dtype_size(*e.dtype)) fail(at, " has an absurdly large shape ", e.shape);
    const std::uint64_t bytes = numel * dtype_size(*e.dtype);
    if (bytes != e.end - e.begin)
      fail(at, " is ", e.dtype_name, " ", e.shape, " = ", bytes, " bytes, but its data_offsets span ", e.end - e.begin,
           " bytes");
  }
  return e;
}

}  // namespace

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path, FileAccess access) {
  return open(MappedFile::open(path, access));
}

std::shared_ptr<const SafetensorsFile> SafetensorsFile::open(std::shared_ptr<const MappedFile> file) {
  auto f = std::shared_ptr<SafetensorsFile>(new SafetensorsFile());
  f->file_ = std::move(file);
  const std::string where = f->file_->path().string();
  const std::uint64_t size = f->file_->size();
  if (size < 8) fail("safetensors: '", where, "' is ", size, " bytes, too short for a header. The file is truncated.");
  const std::uint64_t n = read_u64_le(f->file_->data());
  if (n > kMaxHeader) fail("safetensors: '", where, "' declares a ", n, "-byte header (limit ", kMaxHeader, "). Not a safetensors file?");
  if (n > size - 8)
    fail("safetensors: '", where, "' declares a ", n, "-byte header but the file has only ", size - 8,
         " bytes after the length. The file is truncated; re-download it.");
  f->data_start_ = 8 + n;
  const std::uint64_t data_size = size - f->data_start_;
  std::string_view header(reinterpret_cast<const char*>(f->file_->data() + 8), n);
  Json j = parse_header(header, where);

  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it->is_object()) fail("safetensors: '", where, "' has a '__metadata__' that is not an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (!m->is_string()) fail("safetensors: '", where, "' metadata '", m.key(), "' is not a string");
        f->metadata_[m.key()] = m->get<std::string>();
      }
      continue;
    }
    f->index_[it.key()] = f->entries_.size();
    f->entries_.push_back(parse_entry(it.key(), *it, where, data_size));
  }
  // No two tensors may share bytes.
  std::vector<const TensorEntry*> by_offset;
  for (const auto& e : f->entries_)
    if (e.end > e.begin) by_offset.push_back(&e);
  std::sort(by_offset.begin(), by_offset.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  for (std::size_t i = 1; i < by_offset.size(); ++i)
    if (by_offset[i]->begin < by_offset[i - 1]->end)
      fail("safetensors: tensors '", by_offset[i - 1]->name, "' [", by_offset[i - 1]->begin, ", ", by_offset[i - 1]->end,
           ") and '", by_offset[i]->name, "' [", by_offset[i]->begin, ", ", by_offset[i]->end, ") overlap in '", where,
           "'. The file is damaged.");
  return f;
}

const TensorEntry* SafetensorsFile::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

Tensor SafetensorsFile::tensor(std::string_view name) const {
  const TensorEntry* e = find(name);
  if (!e) fail("safetensors: no tensor '", name, "' in '", path().string(), "'");
  if (!e->dtype)
    fail("safetensors: tensor '", name, "' in '", path().string(), "' has dtype ", e->dtype_name,
         ", which mlux does not read (supported: F32, F16, BF16, I32, I64, U8, U32)");
  return Tensor::borrow(file_->data() + data_start_ + e->begin, e->shape, *e->dtype, file_);
}

// --- Checkpoint -------------------------------------------------------------------------------

Checkpoint Checkpoint::open(const std::filesystem::path& dir, FileAccess access) {
  namespace fs = std::filesystem;
  Checkpoint c;
  c.dir_ = dir;
  std::vector<fs::path> files;
  const fs::path index = dir / "model.safetensors.index.json";
  std::map<std::string, std::string> index_map;
  if (fs::exists(index)) {
    Json j = read_json_file(index);
    auto wm = j.find("weight_map");
    if (wm == j.end() || !wm->is_object())
      fail("load: '", index.string(), "' has no 'weight_map' object. Re-download the checkpoint.");
    std::set<std::string> shard_names;
    for (auto it = wm->begin(); it != wm->end(); ++it) {
      if (!it->is_string()) fail("load: '", index.string(), "' maps '", it.key(), "' to a non-string");
      const auto shard = it->get<std::string>();
      if (shard.find('/') != std::string::npos || shard.find("..") != std::string::npos)
        fail("load: '", index.string(), "' names shard '", shard, "' outside the model directory");
      index_map[it.key()] = shard;
      shard_names.insert(shard);
    }
    for (const auto& s : shard_names) {
      if (!fs::exists(dir / s))
        fail("load: shard '", s, "' named by '", index.string(), "' is missing. Download the whole checkpoint.");
      files.push_back(dir / s);
    }
  } else if (fs::exists(dir / "model.safetensors")) {
    files.push_back(dir / "model.safetensors");
  } else if (fs::is_directory(dir)) {
    for (const auto& e : fs::directory_iterator(dir)) {
      const auto name = e.path().filename().string();
      if (name.rfind("model", 0) == 0 && e.path().extension() == ".safetensors") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
  }
  if (files.empty())
    fail("load: no safetensors weights in '", dir.string(),
         "' (looked for model.safetensors.index.json, model.safetensors, model*.safetensors)");

  for (const auto& f : files) {
    auto shard = SafetensorsFile::open(f, access);
    const std::size_t k = c.shards_.size();
    for (const auto& e : shard->entries()) {
      if (c.where_.count(e.name))
        fail("load: tensor '", e.name, "' appears in both '", c.shards_[c.where_[e.name]]->path().filename().string(),
             "' and '", f.filename().string(), "'");
      c.where_[e.name] = k;
    }
    c.shards_.push_back(std::move(shard));
  }
  for (const auto& [name, shard] : index_map) {
    auto it = c.where_.find(name);
    if (it == c.where_.end() || c.shards_[it->second]->path().filename() != shard)
      fail("load: '", (dir / "model.safetensors.index.json").string(), "' says tensor '", name, "' is in '", shard,
           "', but it is not there. The download is incomplete or mixed; re-download the checkpoint.");
  }
  return c;
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  out.reserve(where_.size());
  for (const auto& [n, _] : where_) out.push_back(n);
  return out;
}

const TensorEntry& Checkpoint::entry(std::string_view name) const {
  auto it = where_.find(name);
  if (it == where_.end()) fail("load: no tensor '", name, "' in the checkpoint at '", dir_.string(), "'");
  return *shards_[it->second]->find(name);
}

Tensor Checkpoint::tensor(std::string_view name) const {
  auto it = where_.find(name);
  if (it == where_.end()) fail("load: no tensor '", name, "' in the checkpoint at '", dir_.string(), "'");
  return shards_[it->second]->tensor(name);
}

const std::map<std::string, std::string>& Checkpoint::metadata() const { return shards_.front()->metadata(); }

std::size_t Checkpoint::shards_read() const {
  return std::size_t(std::count_if(shards_.begin(), shards_.end(),
                                   [](const auto& s) { return s->access() == FileAccess::read; }));
}

std::uint64_t Checkpoint::total_bytes() const {
  std::uint64_t n = 0;
  for (const auto& s : shards_)
    for (const auto& e : s->entries()) n += e.end - e.begin;
  return n;
}

// --- writer -----------------------------------------------------------------------------------

void save_safetensors(const std::filesystem::path& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
                      const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::uint64_t offset = 0;
  std::vector<Tensor> contiguous;
  contiguous.reserve(tensors.size());
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__" || header.contains(name)) fail("save: duplicate or reserved tensor name '", name, "'");
    Tensor c = t.contiguous();
    header[name] = {{"dtype", std::string(safetensors_dtype_name(c.dtype()))},
                    {"shape", std::vector<std::int64_t>(c.shape().begin(), c.shape().end())},
                    {"data_offsets", {offset, offset + c.nbytes()}}};
    offset += c.nbytes();
    contiguous.push_back(std::move(c));
  }
  std::string text = header.dump();
  while ((8 + text.size()) % 8 != 0) text.push_back(' ');

  AtomicFile out(path);
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>((std::uint64_t(text.size()) >> (8 * i)) & 0xff);
  out.write(len, 8);
  out.write(text);
  for (const auto& c : contiguous) out.write(c.bytes(), c.nbytes());
  out.commit();
}

}  // namespace mlux::io
