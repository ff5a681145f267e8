#include "mlux/io/npy.h"

#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>

#include "mlux/error.h"
#include "mlux/io/atomic_file.h"

namespace mlux::io {
namespace {

const char* descr(DType t) {
  switch (t) {
    case DType::f32: return "<f4";
    case DType::f16: return "<f2";
    case DType::i32: return "<i4";
    case DType::i64: return "<i8";
    case DType::u8: return "|u1";
    case DType::u32: return "<u4";
    case DType::bf16: return nullptr;
  }
  return nullptr;
}

}  // namespace

void save_npy(const std::filesystem::path& path, const Tensor& t) {
  const Tensor c = (t.dtype() == DType::bf16 ? t.to(DType::f32) : t).contiguous();
  std::string shape = "(";
  for (int i = 0; i < c.ndim(); ++i) shape += std::to_string(c.dim(i)) + (c.ndim() == 1 ? "," : (i + 1 < c.ndim() ? ", " : ""));
  shape += ")";
  std::string header = str("{'descr': '", descr(c.dtype()), "', 'fortran_order': False, 'shape': ", shape, ", }");
  const std::size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header.push_back('\n');
  AtomicFile out(path);
  const unsigned char magic[8] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.write(magic, 8);
  const unsigned char len[2] = {static_cast<unsigned char>(header.size() & 0xff), static_cast<unsigned char>(header.size() >> 8)};
  out.write(len, 2);
  out.write(header);
  out.write(c.bytes(), c.nbytes());
  out.commit();
}

Tensor load_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("npy: cannot open '", path.string(), "'");
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "\x93NUMPY", 6) != 0) fail("npy: '", path.string(), "' is not a .npy file");
  unsigned char l[2];
  in.read(reinterpret_cast<char*>(l), 2);
  std::string header(std::size_t(l[0] | (l[1] << 8)), '\0');
  in.read(header.data(), std::streamsize(header.size()));
  std::smatch m;
  if (!std::regex_search(header, m, std::regex("'descr': '([<|][a-z][0-9])'")))
    fail("npy: '", path.string(), "' has no readable dtype in its header");
  const std::string d = m[1];
  DType t;
  if (d == "<f4") t = DType::f32;
  else if (d == "<f2") t = DType::f16;
  else if (d == "<i4") t = DType::i32;
  else if (d == "<i8") t = DType::i64;
  else if (d == "|u1") t = DType::u8;
  else if (d == "<u4") t = DType::u32;
  else fail("npy: '", path.string(), "' has dtype ", d, ", which mlux does not read");
  if (header.find("'fortran_order': True") != std::string::npos) fail("npy: '", path.string(), "' is Fortran-ordered");
  if (!std::regex_search(header, m, std::regex("'shape': \\(([0-9, ]*)\\)"))) fail("npy: '", path.string(), "' has no shape");
  Shape shape;
  std::stringstream ss(m[1].str());
  std::string dim;
  while (std::getline(ss, dim, ','))
    if (dim.find_first_not_of(' ') != std::string::npos) shape.push_back(std::stoll(dim));
  Tensor out = Tensor::empty(shape, t);
  in.read(reinterpret_cast<char*>(out.mutable_bytes()), std::streamsize(out.nbytes()));
  if (!in) fail("npy: '", path.string(), "' is truncated");
  return out;
}

}  // namespace mlux::io
