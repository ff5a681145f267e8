// safetensors reading and writing, and every malformed-file case giving one clear error.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "mlux/io/safetensors.h"
#include "mlux/tensor/half.h"
#include "test_util.h"

namespace mlux {
namespace {

namespace fs = std::filesystem;

class Safetensors : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mlux-st-" + std::to_string(::getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A raw file: 8-byte length, header text, then `data_bytes` zero bytes.
  fs::path raw(const std::string& header, std::size_t data_bytes, std::uint64_t declared = 0) {
    const fs::path p = dir_ / "raw.safetensors";
    std::ofstream out(p, std::ios::binary);
    const std::uint64_t n = declared ? declared : header.size();
    for (int i = 0; i < 8; ++i) out.put(char((n >> (8 * i)) & 0xff));
    out << header;
    out << std::string(data_bytes, '\0');
    return p;
  }

  fs::path dir_;
};

// A file read into memory and the same file mapped hold the same bytes; reading starts on a 2 MiB
// boundary (so the kernel can use huge pages) and sizes that are not whole pages read exactly.
TEST_F(Safetensors, FilesReadIntoMemoryHoldExactlyTheMappedBytes) {
  for (const std::size_t size : {std::size_t(1), std::size_t(4097), (std::size_t(3) << 20) + 5}) {
    const fs::path p = dir_ / ("bytes-" + std::to_string(size));
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = char((i * 131 + size) & 0xff);
    std::ofstream(p, std::ios::binary) << bytes;
    const auto read = io::MappedFile::open(p, io::FileAccess::read);
    const auto mapped = io::MappedFile::open(p, io::FileAccess::mapped);
    EXPECT_EQ(read->access(), io::FileAccess::read);
    EXPECT_EQ(mapped->access(), io::FileAccess::mapped);
    ASSERT_EQ(read->size(), size);
    ASSERT_EQ(mapped->size(), size);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(read->data()) % (std::uintptr_t(2) << 20), 0u);
    EXPECT_EQ(std::memcmp(read->data(), bytes.data(), size), 0) << size;
    EXPECT_EQ(std::memcmp(mapped->data(), bytes.data(), size), 0) << size;
    // A small file fits in half the available memory: automatic reads it.
    EXPECT_EQ(io::MappedFile::open(p, io::FileAccess::automatic)->access(), io::FileAccess::read);
  }
  const fs::path empty = dir_ / "empty";
  std::ofstream(empty, std::ios::binary).flush();
  EXPECT_EQ(io::MappedFile::open(empty, io::FileAccess::read)->size(), 0u);
  const std::string e = test::error_of([&] { io::MappedFile::open(dir_ / "missing", io::FileAccess::read); });
  EXPECT_NE(e.find("cannot open"), std::string::npos) << e;
  EXPECT_NE(e.find("missing"), std::string::npos) << e;
  EXPECT_EQ(io::parse_file_access("auto"), io::FileAccess::automatic);
  EXPECT_EQ(io::parse_file_access("mapped"), io::FileAccess::mapped);
  EXPECT_EQ(io::parse_file_access("Read"), std::nullopt);
}

TEST_F(Safetensors, RoundTripsEveryDtypeAndMetadata) {
  const Tensor f = Tensor::from_floats({1.5f, -2.0f, 3.25f, 0.0f, 7.0f, -1.0f}, {2, 3});
  const Tensor b = f.to(DType::bf16), h = f.to(DType::f16);
  const std::vector<std::int64_t> iv = {1, 2, 3};
  const Tensor i = Tensor::from_data<std::int64_t>(iv, {3});
  const Tensor t = f.transpose(0, 1);  // non-contiguous input is written contiguous
  io::save_safetensors(dir_ / "a.safetensors", {{"f", f}, {"b", b}, {"h", h}, {"i", i}, {"t", t}}, {{"format", "pt"}});
  auto file = io::SafetensorsFile::open(dir_ / "a.safetensors");
  EXPECT_EQ(file->metadata().at("format"), "pt");
  EXPECT_EQ(file->tensor("f").to_floats(), f.to_floats());
  EXPECT_EQ(file->tensor("b").dtype(), DType::bf16);
  EXPECT_EQ(file->tensor("b").to_floats(), f.to_floats());  // these values are exact in bf16 and f16
  EXPECT_EQ(file->tensor("h").to_floats(), f.to_floats());
  EXPECT_EQ(file->tensor("i").to_ints(), iv);
  EXPECT_EQ(file->tensor("t").shape(), Shape({3, 2}));
  EXPECT_EQ(file->tensor("t").to_floats(), t.to_floats());
  // The data buffer starts 8-byte aligned.
  std::ifstream in(dir_ / "a.safetensors", std::ios::binary);
  std::uint64_t n = 0;
  in.read(reinterpret_cast<char*>(&n), 8);
  EXPECT_EQ((8 + n) % 8, 0u);
}

TEST_F(Safetensors, ReadsUnalignedTensorsAsMlxWritesThem) {
  // One byte of U8 first pushes the f32 tensor to an odd offset.
  const std::string header = R"({"pad":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                             R"("w":{"dtype":"F32","shape":[2],"data_offsets":[1,9]}})";
  const fs::path p = dir_ / "u.safetensors";
  {
    std::ofstream out(p, std::ios::binary);
    const std::uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out.put(char((n >> (8 * i)) & 0xff));
    out << header;
    out.put(7);
    const float v[2] = {1.25f, -3.5f};
    out.write(reinterpret_cast<const char*>(v), 8);
  }
  auto file = io::SafetensorsFile::open(p);
  const Tensor w = file->tensor("w");
  EXPECT_EQ(w.to_floats(), (std::vector<float>{1.25f, -3.5f}));
  EXPECT_NE(test::error_of([&] { (void)w.data<float>(); }), "");  // typed access refuses the odd address
}

TEST_F(Safetensors, RejectsTruncatedFile) {
  const fs::path p = dir_ / "t.safetensors";
  std::ofstream(p, std::ios::binary) << "abc";
  const std::string e = test::error_of([&] { io::SafetensorsFile::open(p); });
  EXPECT_NE(e.find("too short"), std::string::npos) << e;
  EXPECT_NE(e.find(p.string()), std::string::npos) << e;
}

TEST_F(Safetensors, RejectsHeaderLongerThanFile) {
  const auto p = raw("{}", 0, 1000);
  const std::string e = test::error_of([&] { io::SafetensorsFile::open(p); });
  EXPECT_NE(e.find("1000-byte header"), std::string::npos) << e;
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
}

TEST_F(Safetensors, RejectsMalformedHeaderJson) {
  const std::string e = test::error_of([&] { io::SafetensorsFile::open(raw("{\"a\": [1,", 0)); });
  EXPECT_NE(e.find("malformed JSON header"), std::string::npos) << e;
}

// Found by the safetensors fuzzer: a number past double's range is nlohmann's out_of_range, not a
// parse_error; it is still a malformed header.
TEST_F(Safetensors, RejectsNumbersPastDoubleInTheHeader) {
  const auto p = raw(R"({"w":{"dtype":"F32","shape":[8e888],"data_offsets":[0,4]}})", 4);
  const std::string e = test::error_of([&] { io::SafetensorsFile::open(p); });
  EXPECT_NE(e.find("malformed JSON header"), std::string::npos) << e;
}

TEST_F(Safetensors, RejectsOffsetsOutsideTheData) {
  const auto p = raw(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8);
  const std::string e = test::error_of([&] { io::SafetensorsFile::open(p); });
  EXPECT_NE(e.find("'w'"), std::string::npos) << e;
  EXPECT_NE(e.find("outside the data buffer of 8 bytes"), std::string::npos) << e;
}

TEST_F(Safetensors, RejectsOverlappingTensors) {
  const auto p = raw(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                     R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})", 12);
  const std::string e = test::error_of([&] { io::SafetensorsFile::open(p); });
  EXPECT_NE(e.find("overlap"), std::string::npos) << e;
  EXPECT_NE(e.find("'a'"), std::string::npos) << e;
  EXPECT_NE(e.find("'b'"), std::string::npos) << e;
}

TEST_F(Safetensors, RejectsShapeThatDisagreesWithOffsets) {
  const auto p = raw(R"({"w":{"dtype":"BF16","shape":[3],"data_offsets":[0,8]}})", 8);
  const std::string e = test::error_of([&] { io::SafetensorsFile::open(p); });
  EXPECT_NE(e.find("BF16 [3] = 6 bytes"), std::string::npos) << e;
}

// Found by the safetensors fuzzer: a dimension past INT64_MAX, or dimensions whose product
// overflows, must be refused whether or not mlux reads the dtype (it would become a negative size).
TEST_F(Safetensors, RejectsShapesWhoseSizeOverflows) {
  for (const char* header : {R"({"w":{"dtype":"F64","shape":[18446744073709551615],"data_offsets":[0,8]}})",
                             R"({"w":{"dtype":"F32","shape":[18446744073709551615],"data_offsets":[0,8]}})",
                             R"({"w":{"dtype":"F8_E4M3","shape":[4294967296,4294967296],"data_offsets":[0,8]}})",
                             R"({"w":{"dtype":"F32","shape":[2305843009213693952,2],"data_offsets":[0,8]}})"}) {
    const std::string e = test::error_of([&] { io::SafetensorsFile::open(raw(header, 8)); });
    EXPECT_NE(e.find("absurdly large shape"), std::string::npos) << header << ": " << e;
  }
}

TEST_F(Safetensors, RejectsDuplicateNamesAndUnknownDtypes) {
  EXPECT_NE(test::error_of([&] {
              io::SafetensorsFile::open(raw(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                                            R"("w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8));
            }).find("twice"),
            std::string::npos);
  EXPECT_NE(test::error_of([&] {
              io::SafetensorsFile::open(raw(R"({"w":{"dtype":"F17","shape":[1],"data_offsets":[0,4]}})", 4));
            }).find("unknown dtype 'F17'"),
            std::string::npos);
  // A known dtype mlux does not read is an error only when that tensor is used.
  auto f = io::SafetensorsFile::open(raw(R"({"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}})", 8));
  EXPECT_NE(test::error_of([&] { f->tensor("w"); }).find("F64"), std::string::npos);
}

TEST_F(Safetensors, ShardedCheckpointFollowsTheIndex) {
  const Tensor a = Tensor::from_floats({1, 2}, {2}), b = Tensor::from_floats({3, 4, 5}, {3});
  io::save_safetensors(dir_ / "model-00001-of-00002.safetensors", {{"a", a}});
  io::save_safetensors(dir_ / "model-00002-of-00002.safetensors", {{"b", b}});
  std::ofstream(dir_ / "model.safetensors.index.json")
      << R"({"metadata":{"total_size":20},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}})";
  auto ck = io::Checkpoint::open(dir_);
  EXPECT_EQ(ck.shard_count(), 2u);
  EXPECT_EQ(ck.tensor("b").to_floats(), b.to_floats());
  // An index that names the wrong shard is refused.
  std::ofstream(dir_ / "model.safetensors.index.json")
      << R"({"weight_map":{"a":"model-00002-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}})";
  const std::string e = test::error_of([&] { io::Checkpoint::open(dir_); });
  EXPECT_NE(e.find("tensor 'a'"), std::string::npos) << e;
}

TEST_F(Safetensors, MissingShardIsNamed) {
  std::ofstream(dir_ / "model.safetensors.index.json") << R"({"weight_map":{"a":"model-00009-of-00009.safetensors"}})";
  const std::string e = test::error_of([&] { io::Checkpoint::open(dir_); });
  EXPECT_NE(e.find("model-00009-of-00009.safetensors"), std::string::npos) << e;
  EXPECT_NE(e.find("missing"), std::string::npos) << e;
}

}  // namespace
}  // namespace mlux
