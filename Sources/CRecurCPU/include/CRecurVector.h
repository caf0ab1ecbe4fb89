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

/// The square root of each lane, correctly rounded (IEEE 754, as `sqrtf`):
/// one vector instruction, where Swift's `SIMD16.squareRoot()` compiled to a
/// scalar square root per lane (Adam spent 7 cycles per parameter there).
static inline __attribute__((always_inline)) recur_float16 recur_sqrt16(recur_float16 v) {
    return __builtin_elementwise_sqrt(v);
}

/// Asks for the cache line at `p` ahead of a read and a write of it.
static inline __attribute__((always_inline)) void recur_prefetch_for_write(const float *p) {
    __builtin_prefetch(p, 1, 3);
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

/// One stage of ``recur_transpose16x16``: rows `i` and `i + d` (`i & d ==
/// 0`) swap their off-diagonal blocks of `d` columns. The 16 indices pick
/// row `i`'s new lanes from the pair; row `i + d`'s are the same shifted by
/// `d`. (`__builtin_shufflevector` takes its indices as literals, hence a macro.)
#define RECUR_TRANSPOSE_STAGE(rows, d, ...)                                              \
    for (int i = 0; i < 16; i++) {                                                       \
        if (i & (d)) continue;                                                           \
        recur_float16 x = rows[i], y = rows[i + (d)];                                    \
        rows[i] = __builtin_shufflevector(x, y, __VA_ARGS__);                            \
        rows[i + (d)] = __builtin_shufflevector(x, y, RECUR_PLUS16(d, __VA_ARGS__));     \
    }
#define RECUR_PLUS16(d, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15) \
    (a0) + (d), (a1) + (d), (a2) + (d), (a3) + (d), (a4) + (d), (a5) + (d), (a6) + (d), (a7) + (d), \
    (a8) + (d), (a9) + (d), (a10) + (d), (a11) + (d), (a12) + (d), (a13) + (d), (a14) + (d), (a15) + (d)

/// The first `n` floats at `p` (1 <= n <= 16) into `*v`, zeros after;
/// nothing past `p + n` is read. (Through pointers: a vector passed or
/// returned by value between C functions of a build without AVX-512 draws
/// an ABI warning, harmless here as all is inlined.)
static inline __attribute__((always_inline)) void recur_load_first_n(const float *p, int n, recur_float16 *v) {
#if defined(__AVX512F__)
    *v = (recur_float16)_mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1u), p);
#else
    recur_float16 zero = {0};
    *v = zero;
    __builtin_memcpy(v, p, (unsigned long)n * sizeof(float));
#endif
}

/// Stores the first `n` lanes of `*v` at `p` (1 <= n <= 16); nothing past `p + n` is written.
static inline __attribute__((always_inline)) void recur_store_first_n(float *p, const recur_float16 *v, int n) {
#if defined(__AVX512F__)
    _mm512_mask_storeu_ps(p, (__mmask16)((1u << n) - 1u), (__m512)*v);
#else
    __builtin_memcpy(p, v, (unsigned long)n * sizeof(float));
#endif
}

/// `dst[c * dstStride + r] = src[r * srcStride + c]` (with `adding`:
/// `dst[...] += src[...]`, each element one rounded addition) for a block of
/// `rows` x `columns` of `src`, both 1...16: `rows` loads of up to 16
/// floats, 64 two-source shuffles (one instruction each with AVX-512) and
/// `columns` stores, where an element-by-element copy does a strided load
/// per element. Nothing outside the block is read or written. After the
/// stages for d = 8, 4, 2, 1 the rows hold the columns.
static inline __attribute__((always_inline)) void recur_transpose_block(
    const float *src, long srcStride, int rows, int columns, float *dst, long dstStride, int adding) {
    recur_float16 block[16];
    recur_float16 zero = {0};
    for (int i = 0; i < 16; i++) {
        if (i < rows) {
            recur_load_first_n(src + i * srcStride, columns, &block[i]);
        } else {
            block[i] = zero;
        }
    }
    RECUR_TRANSPOSE_STAGE(block, 8, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23)
    RECUR_TRANSPOSE_STAGE(block, 4, 0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27)
    RECUR_TRANSPOSE_STAGE(block, 2, 0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29)
    RECUR_TRANSPOSE_STAGE(block, 1, 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30)
    for (int i = 0; i < columns; i++) {
        if (adding) {
            recur_float16 sum;
            recur_load_first_n(dst + i * dstStride, rows, &sum);
            block[i] = sum + block[i];
        }
        recur_store_first_n(dst + i * dstStride, &block[i], rows);
    }
}

#endif
