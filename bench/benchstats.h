#pragma once
// Small statistics shared by the benchmark tools.
#include <algorithm>
#include <cstddef>
#include <vector>

// The q-quantile (0..1) of the values, nearest rank; 0 for none.
inline double quantile(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}
