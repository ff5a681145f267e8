// The objects Jinja2 gives templates besides plain data: namespace() (mutable attributes that
// survive loop scopes), cycler(), joiner(), and the `loop` variable of a for loop.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "mlux/tokenizer/jinja/value.h"

namespace mlux::tokenizer::jinja {

/// namespace(a=1): `{% set ns.a = 2 %}` changes it, even from inside a loop.
class Namespace : public Object {
 public:
  explicit Namespace(Dict attributes) : attributes_(std::move(attributes)) {}
  std::string type_name() const override { return "Namespace"; }
  Value attribute(std::string_view name) const override;
  bool set_attribute(std::string_view name, Value value) override;
  std::string str() const override;
  /// Drops every attribute (NamespaceTracker, at the end of a render).
  void clear() { attributes_ = Dict(); }

 private:
  Dict attributes_;
};

/// Values are reference-counted, and a namespace is the one object a template can change after
/// making it, so it is the only way to build a reference cycle (`{% set ns.me = ns %}`) that
/// would never be freed. A tracker lives for one render: every namespace made meanwhile on this
/// thread is registered, and emptied when the render ends, which breaks every cycle.
class NamespaceTracker {
 public:
  NamespaceTracker();
  ~NamespaceTracker();
  NamespaceTracker(const NamespaceTracker&) = delete;
  NamespaceTracker& operator=(const NamespaceTracker&) = delete;

  /// Registers `ns` with the innermost tracker of this thread, if any.
  static void track(const std::shared_ptr<Namespace>& ns);

 private:
  std::vector<std::weak_ptr<Namespace>> made_;
  NamespaceTracker* outer_;
};

/// `loop` inside `{% for %}`: index, index0, revindex, revindex0, first, last, length, previtem,
/// nextitem, depth, depth0, cycle(...), changed(...).
class LoopContext : public Object {
 public:
  explicit LoopContext(std::shared_ptr<const std::vector<Value>> items) : items_(std::move(items)) {}
  void set_index(std::size_t index0) { index0_ = index0; }
  std::string type_name() const override { return "LoopContext"; }
  Value attribute(std::string_view name) const override;
  std::string str() const override;

 private:
  std::shared_ptr<const std::vector<Value>> items_;
  std::size_t index0_ = 0;
  // The arguments of the last loop.changed(...) call, shared with the functions it hands out.
  std::shared_ptr<std::optional<std::vector<Value>>> last_changed_ = std::make_shared<std::optional<std::vector<Value>>>();
};

/// The globals every template sees: range, namespace, dict, cycler, joiner.
[[nodiscard]] const std::vector<std::pair<std::string, Value>>& builtin_globals();

/// The globals transformers adds for chat templates: raise_exception(message), which ends the
/// render with a TemplateError of kind raised carrying the message, and strftime_now(format),
/// the local time formatted like Python's datetime.now().strftime(format).
[[nodiscard]] std::vector<std::pair<std::string, Value>> transformers_globals();

/// Largest range() the sandbox allows (Jinja2's MAX_RANGE).
inline constexpr std::int64_t kMaxRange = 100000;

}  // namespace mlux::tokenizer::jinja
