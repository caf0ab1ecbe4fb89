#ifndef RECUR_VECTOR_H
#define RECUR_VECTOR_H

/// 16 floats; Swift imports this type as SIMD16<Float>.
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

#endif
