// Value: what a Jinja expression evaluates to, modelled on the Python objects Jinja2 hands
// templates (transformers renders chat templates with Python Jinja2, so its semantics are the
// reference): undefined, None, bool, int, float, str, list/tuple, dict (insertion-ordered),
// callables (macros, builtins, bound methods) and objects with attributes (namespace, loop).
//
// Values are immutable once built, as in transformers' ImmutableSandboxedEnvironment, and cheap to
// copy: containers are shared. The one mutable thing is an Object's attributes (`set ns.x = ...`).
// To add a kind of object, derive from Object (see namespace_object.h, loop_context.h).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace mlux::tokenizer::jinja {

class Value;
class Dict;
class Object;
struct Function;

/// A list or a tuple: Python tells them apart when printing ([1] vs (1,)) and comparing.
struct ListData {
  std::vector<Value> items;
  bool is_tuple = false;
};

class Value {
 public:
  enum class Kind : std::uint8_t { undefined, none, boolean, integer, floating, string, list, dict, function, object };

  /// Undefined, remembering why (e.g. "'x' is undefined"), which is what an error says when the
  /// template later uses it in a way Jinja2's default Undefined refuses (arithmetic, attributes...).
  Value() = default;
  static Value undefined(std::string why);
  static Value none() { return Value(Tag::none); }
  Value(bool b) : data_(b) {}
  Value(std::int64_t i) : data_(i) {}
  Value(int i) : data_(std::int64_t{i}) {}
  Value(double d) : data_(d) {}
  Value(std::string s) : data_(std::move(s)) {}
  Value(std::string_view s) : data_(std::string(s)) {}
  Value(const char* s) : data_(std::string(s)) {}
  static Value list(std::vector<Value> items);
  static Value tuple(std::vector<Value> items);
  Value(Dict dict);
  Value(std::shared_ptr<const Function> f) : data_(std::move(f)) {}
  Value(std::shared_ptr<Object> o) : data_(std::move(o)) {}

  [[nodiscard]] Kind kind() const { return static_cast<Kind>(data_.index()); }
  [[nodiscard]] bool is_undefined() const { return kind() == Kind::undefined; }
  [[nodiscard]] bool is_none() const { return kind() == Kind::none; }
  [[nodiscard]] bool is_bool() const { return kind() == Kind::boolean; }
  [[nodiscard]] bool is_int() const { return kind() == Kind::integer; }
  [[nodiscard]] bool is_float() const { return kind() == Kind::floating; }
  /// bool, int or float: Python's numbers.Number (bool is an int in Python).
  [[nodiscard]] bool is_number() const { return is_bool() || is_int() || is_float(); }
  [[nodiscard]] bool is_string() const { return kind() == Kind::string; }
  [[nodiscard]] bool is_list() const { return kind() == Kind::list; }
  [[nodiscard]] bool is_dict() const { return kind() == Kind::dict; }
  [[nodiscard]] bool is_function() const { return kind() == Kind::function; }
  [[nodiscard]] bool is_object() const { return kind() == Kind::object; }

  [[nodiscard]] bool as_bool() const { return std::get<bool>(data_); }
  /// int, or bool as 0/1.
  [[nodiscard]] std::int64_t as_int() const;
  /// Any number as a double.
  [[nodiscard]] double as_float() const;
  [[nodiscard]] const std::string& as_string() const { return std::get<std::string>(data_); }
  [[nodiscard]] const ListData& as_list() const { return *std::get<ListPtr>(data_); }
  [[nodiscard]] const std::vector<Value>& items() const { return as_list().items; }
  [[nodiscard]] const Dict& as_dict() const { return *std::get<DictPtr>(data_); }
  [[nodiscard]] const Function& as_function() const { return *std::get<FunctionPtr>(data_); }
  [[nodiscard]] Object& as_object() const { return *std::get<ObjectPtr>(data_); }
  /// Why this undefined value is undefined ("'x' is undefined").
  [[nodiscard]] const std::string& undefined_reason() const;

  /// Python truthiness: empty containers, "", 0, None and undefined are false.
  [[nodiscard]] bool truthy() const;
  /// Python's type name, as Python errors print it: 'str', 'int', 'NoneType', 'dict'...
  [[nodiscard]] std::string type_name() const;
  /// Same object (Python `is`), for `sameas` and identity of mutable objects.
  [[nodiscard]] bool same_object(const Value& other) const;

 private:
  enum class Tag { none };
  explicit Value(Tag) : data_(nullptr) {}
  struct Undefined {
    std::shared_ptr<const std::string> why;
  };
  using ListPtr = std::shared_ptr<const ListData>;
  using DictPtr = std::shared_ptr<const Dict>;
  using FunctionPtr = std::shared_ptr<const Function>;
  using ObjectPtr = std::shared_ptr<Object>;
  // Order matches Kind.
  std::variant<Undefined, std::nullptr_t, bool, std::int64_t, double, std::string, ListPtr, DictPtr, FunctionPtr, ObjectPtr> data_;
};

/// A Python dict: keys in insertion order, looked up with Python equality (1 == 1.0 == True).
/// Dicts in templates are small (messages, tool schemas), so lookup is a linear scan.
class Dict {
 public:
  using Entry = std::pair<Value, Value>;
  [[nodiscard]] const Value* find(const Value& key) const;
  [[nodiscard]] const Value* find(std::string_view key) const;
  [[nodiscard]] const Value* find(const std::string& key) const { return find(std::string_view(key)); }
  [[nodiscard]] const Value* find(const char* key) const { return find(std::string_view(key)); }
  /// Replaces the value of an existing key (keeping its position) or appends.
  void set(Value key, Value value);
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

/// Arguments of a call: f(1, 2, key=3).
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keywords;
};

/// Something a template can call: a macro, a global (range, namespace...), a bound method
/// ('a,b'.split). `call` throws EvalError for bad arguments.
struct Function {
  enum class Kind { builtin, macro, method };
  std::string name;
  Kind kind = Kind::builtin;
  std::function<Value(const CallArgs&)> call;
};

/// An object with named attributes, like Jinja2's Namespace and LoopContext.
class Object {
 public:
  virtual ~Object() = default;
  /// Python class name, for messages: 'Namespace', 'LoopContext'.
  [[nodiscard]] virtual std::string type_name() const = 0;
  /// The attribute, or undefined when absent.
  [[nodiscard]] virtual Value attribute(std::string_view name) const = 0;
  /// `{% set obj.name = value %}`; returns false when the object does not allow it.
  virtual bool set_attribute(std::string_view name, Value value) { return false; }
  /// What str() prints.
  [[nodiscard]] virtual std::string str() const = 0;
};

/// Python ==. Numbers compare by value across bool/int/float; a list never equals a tuple;
/// dicts compare as sets of entries; undefined equals undefined.
[[nodiscard]] bool operator==(const Value& a, const Value& b);

/// Python str(): what `{{ value }}` prints. Undefined prints as "".
[[nodiscard]] std::string to_str(const Value& v);
/// Python repr(), used inside printed containers: ['a', None, 1.0].
[[nodiscard]] std::string to_repr(const Value& v);
/// Python repr(float): shortest round-trip digits, "1.0", "1e+16", "1.5e-07", "inf", "nan".
[[nodiscard]] std::string float_repr(double d);
/// Python repr(str): quoted, with Python's choice of quote and escapes.
[[nodiscard]] std::string string_repr(std::string_view s);

}  // namespace mlux::tokenizer::jinja
