// The `mlux` binary: dispatches to one subcommand per file in this folder.
#include <cstdio>

int main(int argc, char** argv) {
  std::puts("mlux: work in progress");
  return 0;
}
