#pragma once

// An invariant of a fuzz target: when it does not hold, say which and abort, so libFuzzer
// records the input as a crash (crash-<sha1>) like any sanitizer finding.
#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond);  \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)
