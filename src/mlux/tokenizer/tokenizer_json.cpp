// parse_tokenizer_json (see tokenizer_json.h): a SAX handler for nlohmann's parser that builds
// the JSON tree itself, except inside model.vocab and model.merges, whose entries it moves
// straight into ModelTables.
#include "mlux/tokenizer/tokenizer_json.h"

#include "mlux/error.h"

namespace mlux::tokenizer {
namespace {

using json = nlohmann::json;

class Handler final : public nlohmann::json_sax<json> {
 public:
  explicit Handler(ModelTables& tables) : tables_(tables) {}
  json root;

  bool null() override { return value(json(nullptr)); }
  bool boolean(bool v) override { return value(json(v)); }
  bool number_integer(number_integer_t v) override { return value(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return value(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return value(json(v)); }
  bool binary(binary_t& v) override { return value(json::binary(std::move(v))); }

  bool string(string_t& v) override {
    if (table_ == Table::merges && pair_depth_ == 0) {
      add_legacy_merge(std::move(v));
      return true;
    }
    if (table_ == Table::merges) {
      pair_.push_back(std::move(v));
      return true;
    }
    return value(json(std::move(v)));
  }

  bool key(string_t& k) override {
    if (table_ == Table::vocab) vocab_key_ = std::move(k);
    else key_ = std::move(k);
    return true;
  }

  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = e.what();
    return false;
  }
  const std::string& error() const { return error_; }

 private:
  enum class Table { none, vocab, merges };

  bool value(json v) {
    if (table_ == Table::vocab && stack_.size() == 3) {
      tables_.vocab.emplace_back(std::move(vocab_key_), std::move(v));
      return true;
    }
    if (table_ == Table::merges) {  // a merge that is neither "a b" nor ["a", "b"]
      note_merge_error(v.dump());
      return true;
    }
    if (stack_.empty()) {
      root = std::move(v);
      return true;
    }
    json& parent = *stack_.back();
    if (parent.is_object()) parent[key_] = std::move(v);
    else parent.push_back(std::move(v));
    return true;
  }

  // Containers inside the tables are not built: a merge pair's strings are collected in pair_.
  bool open(json container) {
    if (table_ == Table::merges) {
      ++pair_depth_;
      if (pair_depth_ > 1) note_merge_error("a nested list");
      return true;
    }
    if (table_ == Table::vocab) {
      note_vocab_error();
      return true;
    }
    json* node = nullptr;
    if (stack_.empty()) {
      root = std::move(container);
      node = &root;
    } else if (stack_.back()->is_object()) {
      node = &((*stack_.back())[key_] = std::move(container));
    } else {
      stack_.back()->push_back(std::move(container));
      node = &stack_.back()->back();
    }
    stack_.push_back(node);
    if (stack_.size() == 2 && key_ == "model") model_ = node;
    if (stack_.size() == 3 && stack_[1] == model_) begin_table();
    return true;
  }

  bool close() {
    if (table_ == Table::merges && pair_depth_ > 0) {
      if (--pair_depth_ == 0) add_pair_merge();
      return true;
    }
    if (table_ == Table::vocab && vocab_nesting_ > 0) {
      --vocab_nesting_;
      return true;
    }
    if (stack_.size() == 3) table_ = Table::none;
    stack_.pop_back();
    return true;
  }

  void begin_table() {
    if (key_ == "vocab" && stack_.back()->is_object()) {
      table_ = Table::vocab;
      tables_.has_vocab = true;
    } else if (key_ == "merges" && stack_.back()->is_array()) {
      table_ = Table::merges;
      tables_.has_merges = true;
    }
  }

  void add_legacy_merge(std::string line) {
    const std::size_t index = merge_index_++;
    if (line.starts_with("#version")) return;  // a merges.txt header, as HF skips it
    const std::size_t space = line.find(' ');
    if (space == std::string::npos || line.find(' ', space + 1) != std::string::npos) {
      note_error(index, "a merge string must be two tokens separated by one space, got \"" + line + "\".");
      return;
    }
    tables_.merges.emplace_back(line.substr(0, space), line.substr(space + 1));
  }

  void add_pair_merge() {
    const std::size_t index = merge_index_++;
    if (pair_.size() == 2) tables_.merges.emplace_back(std::move(pair_[0]), std::move(pair_[1]));
    else note_error(index, "a merge pair must hold two token strings, got " + std::to_string(pair_.size()) + " strings.");
    pair_.clear();
  }

  void note_merge_error(const std::string& what) {
    note_error(merge_index_, "a merge must be a string \"a b\" or a pair [\"a\", \"b\"], got " + what + ".");
    if (pair_depth_ == 0) ++merge_index_;
  }

  void note_vocab_error() {
    ++vocab_nesting_;
    tables_.vocab.emplace_back(vocab_key_, json("a nested value"));
  }

  void note_error(std::size_t index, std::string message) {
    if (!tables_.merge_error) tables_.merge_error.emplace(index, std::move(message));
  }

  ModelTables& tables_;
  std::vector<json*> stack_;  // open containers, root first
  const json* model_ = nullptr;
  std::string key_;           // the member name being read (outside the tables)
  std::string vocab_key_;
  Table table_ = Table::none;
  std::size_t pair_depth_ = 0;
  std::size_t vocab_nesting_ = 0;
  std::vector<std::string> pair_;
  std::size_t merge_index_ = 0;
  std::string error_;
};

}  // namespace

nlohmann::json parse_tokenizer_json(std::string_view text, const std::string& file, ModelTables& tables) {
  Handler handler(tables);
  if (!json::sax_parse(text, &handler))
    fail(file, ": not valid JSON (", handler.error(), "). The file is probably truncated or corrupted; download it again.");
  return std::move(handler.root);
}

}  // namespace mlux::tokenizer
