// AtomicFile: the real name shows the old file or the whole new one, never a partial write, and
// a failed write leaves no temporary behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "mlux/error.h"
#include "mlux/io/atomic_file.h"
#include "mlux/io/safetensors.h"
#include "test_util.h"

namespace mlux {
namespace {

namespace fs = std::filesystem;

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t files_in(const fs::path& dir) {
  return std::size_t(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFile, RealNameAppearsOnlyOnCommit) {
  test::TempDir dir;
  const fs::path path = dir.path() / "out.bin";
  io::write_file_atomic(path, "old contents");
  {
    io::AtomicFile out(path);
    out.write("new ");
    EXPECT_EQ(read_all(path), "old contents");  // half-written: the reader still sees the old file
    out.write("contents");
    out.commit();
  }
  EXPECT_EQ(read_all(path), "new contents");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicFile, AbandonedWriteLeavesTheOldFileAndNoTemporary) {
  test::TempDir dir;
  const fs::path path = dir.path() / "out.bin";
  io::write_file_atomic(path, "old contents");
  EXPECT_THROW(
      {
        io::AtomicFile out(path);
        out.write("partial");
        throw std::runtime_error("interrupted");  // e.g. a tensor that cannot be converted
      },
      std::runtime_error);
  EXPECT_EQ(read_all(path), "old contents");
  EXPECT_EQ(files_in(dir.path()), 1u);
}

TEST(AtomicFile, MissingDirectoryIsAClearError) {
  test::TempDir dir;
  try {
    io::write_file_atomic(dir.path() / "no" / "such" / "out.bin", "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no/such/out.bin"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("directory exists"), std::string::npos) << e.what();
  }
}

TEST(AtomicFile, SafetensorsSaveGoesThroughIt) {
  test::TempDir dir;
  const fs::path path = dir.path() / "t.safetensors";
  io::save_safetensors(path, {{"x", Tensor::from_floats({1, 2, 3}, {3})}});
  EXPECT_EQ(io::SafetensorsFile::open(path)->tensor("x").to_floats(), (std::vector<float>{1, 2, 3}));
  EXPECT_EQ(files_in(dir.path()), 1u);
}

}  // namespace
}  // namespace mlux
