#ifndef RECUR_CPU_H
#define RECUR_CPU_H

/// 1 when the CPU and the operating system support the AVX-512 subset the
/// x86-64-v4 build uses (F, BW, CD, DQ, VL), else 0. Always 0 off x86-64.
int recur_cpu_supports_x86_64_v4(void);

/// 1 when the CPU and the operating system support AVX2, FMA, BMI1/2, F16C,
/// LZCNT and MOVBE (the x86-64-v3 level), else 0. Always 0 off x86-64.
int recur_cpu_supports_x86_64_v3(void);

/// A spin-wait hint: `pause` on x86-64 (lets the sibling hyperthread run and
/// avoids a memory-order flush when the spin ends), `yield` on arm64.
static inline __attribute__((always_inline)) void recur_cpu_relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#endif
