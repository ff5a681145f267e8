# The README's two commands:
#   make run    install what is missing, build Release, start `mlux` (ARGS="..." passes arguments)
#   make check  install what is missing, then everything CI runs: `make test`, `make sanitize`
#               and `make fuzz`
# and the parts, for day-to-day work:
#   make test       build Release, fetch test data, run every test
#   make sanitize   the same tests in the Clang ASan + UBSan build (build/sanitize)
#   make fuzz       every libFuzzer target for FUZZ_SECONDS (default 60) each, in that build
PRESET ?= release
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 60

.PHONY: run test build deps testdata bench clean check sanitize sanitize-build fuzz

deps:
	@scripts/install-deps

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET) -j $(JOBS)

run: build
	./build/$(PRESET)/mlux $(ARGS)

testdata:
	@scripts/fetch-testdata

test: build testdata
	ctest --preset $(PRESET) -j $(JOBS)

sanitize-build: deps
	@cmake --preset sanitize >/dev/null
	@cmake --build --preset sanitize -j $(JOBS)

sanitize: sanitize-build testdata
	ctest --preset sanitize -j $(JOBS)

fuzz: sanitize-build testdata
	scripts/fuzz $(FUZZ_SECONDS)

check: test sanitize fuzz

bench: build
	./build/$(PRESET)/mlux_bench

clean:
	rm -rf build
