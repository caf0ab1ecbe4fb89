#ifndef RECUR_VECTOR_H
#define RECUR_VECTOR_H

/// 16 floats; Swift imports this type as SIMD16<Float>.
#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

typedef float recur_float16 __attribute__((ext_vector_type(16)));

/// Loads 16 floats from any 4-byte-aligned address. Swift's generic
/// `loadUnaligned` is not always inlined into hot loops; this always is, and
/// compiles to one unaligned vector load for the including target's ISA.
static inline __attribute__((always_inline)) recur_float16 recur_load16(const float *p) {
    recur_float16 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

/// Stores 16 floats to any 4-byte-aligned address.
static inline __attribute__((always_inline)) void recur_store16(float *p, recur_float16 v) {
    __builtin_memcpy(p, &v, sizeof v);
}

/// The first `n` floats at `p` (0 <= n < 16) and zeros after; nothing past
/// `p + n` is read. One masked load with AVX-512 or AVX2, a lane loop otherwise.
static inline __attribute__((always_inline)) recur_float16 recur_load16_first(const float *p, int n) {
#if defined(__AVX512F__)
    return (recur_float16)_mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1u), p);
#elif defined(__AVX2__)
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i low = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane);
    __m256i high = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8), lane);
    __m256 a = _mm256_maskload_ps(p, low), b = _mm256_maskload_ps(p + 8, high);
    recur_float16 v;
    __builtin_memcpy(&v, &a, sizeof a);
    __builtin_memcpy((char *)&v + sizeof a, &b, sizeof b);
    return v;
#else
    recur_float16 v = {0};
    for (int i = 0; i < n; i++) v[i] = p[i];
    return v;
#endif
}

/// Stores the first `n` lanes of `v` at `p` (0 <= n < 16); nothing past
/// `p + n` is written.
static inline __attribute__((always_inline)) void recur_store16_first(float *p, recur_float16 v, int n) {
#if defined(__AVX512F__)
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1u), (__m512)v);
#elif defined(__AVX2__)
    __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i low = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane);
    __m256i high = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - 8), lane);
    __m256 a, b;
    __builtin_memcpy(&a, &v, sizeof a);
    __builtin_memcpy(&b, (const char *)&v + sizeof a, sizeof b);
    _mm256_maskstore_ps(p, low, a);
    _mm256_maskstore_ps(p + 8, high, b);
#else
    for (int i = 0; i < n; i++) p[i] = v[i];
#endif
}

#endif
