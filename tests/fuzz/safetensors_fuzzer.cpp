// libFuzzer target: a safetensors file (header length, JSON header, data buffer). Whatever the
// bytes, open() refuses with an mlux::Error or every tensor it accepts lies inside the buffer:
// reading each one end to end must stay within the input (ASan checks every byte).
#include "fuzz_util.h"
#include "mlux/io/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mlux;
  fuzz::refuse_only_with_mlux_errors([&] {
    auto file = io::SafetensorsFile::open(io::MappedFile::from_memory(std::string(fuzz::as_text(data, size)), "fuzz.safetensors"));
    for (const auto& e : file->entries()) {
      if (!e.dtype) continue;
      const Tensor t = file->tensor(e.name);
      if (t.numel() <= (1 << 16)) (void)t.to_floats();  // converts every element
    }
  });
  return 0;
}
