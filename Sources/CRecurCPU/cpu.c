#include "CRecurCPU.h"

// __builtin_cpu_supports checks CPUID and, for AVX and AVX-512, that the OS
// saves the wide registers (XGETBV), so a "1" here is safe to act on.
#if defined(__x86_64__)
int recur_cpu_supports_x86_64_v4(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("x86-64-v4") ? 1 : 0;
}

int recur_cpu_supports_x86_64_v3(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("x86-64-v3") ? 1 : 0;
}
#else
int recur_cpu_supports_x86_64_v4(void) { return 0; }
int recur_cpu_supports_x86_64_v3(void) { return 0; }
#endif
