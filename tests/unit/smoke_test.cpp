#include <gtest/gtest.h>

#include "mlux/error.h"

TEST(Error, MessageIsConcatenated) {
  try {
    mlux::fail("load: tensor '", "w", "' has ", 3, " dims");
    FAIL();
  } catch (const mlux::Error& e) {
    EXPECT_STREQ(e.what(), "load: tensor 'w' has 3 dims");
  }
}
