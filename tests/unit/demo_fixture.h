// The demo model, loaded once for the whole test binary and shared read-only by the tests that
// need a real model with a tokenizer (HookedModel is safe to share: runs never mutate it).
#pragma once

#include "mlux/hooks/hooked_model.h"

namespace mlux::test {

inline const hooks::HookedModel& demo_model() {
  static const auto model = hooks::HookedModel::from_pretrained("");
  return *model;
}

}  // namespace mlux::test
