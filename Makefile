# The README's two commands:
#   make run    install what is missing, build Release, start `mlux` (ARGS="..." passes arguments)
#   make test   install what is missing, build, fetch test data, run every test
PRESET ?= release
JOBS ?= $(shell nproc)

.PHONY: run test build deps testdata bench clean

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

bench: build
	./build/$(PRESET)/mlux_bench

clean:
	rm -rf build
