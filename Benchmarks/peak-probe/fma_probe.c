// An independent FMA peak probe: the reference `recur bench`'s own probe is
// checked against (see scripts/peak-probe.sh and README.md, "Development").
//
// Each thread runs CHAINS independent vector FMA chains c = c*x + y
// (AVX-512: 16 zmm chains; AVX2+FMA: 12 ymm chains, leaving registers for
// x and y), pinned to its own core. For each thread count 1..N all threads are
// released together by a spin barrier and the measurement runs from the
// earliest start to the last finish; the best of several repeats is reported.
// c*x + y with x = 1-s, y = s converges to 1: no overflow, no subnormals.
//
// Build: cc -O2 -march=native -pthread fma_probe.c -o fma_probe
// Usage: fma_probe [max_threads [repeats [seconds_per_measurement]]]
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__AVX512F__)
typedef __m512 vec;
#define ISA "avx512 (zmm)"
#define LANES 16
#define CHAINS 16
#define SET1 _mm512_set1_ps
#define FMA _mm512_fmadd_ps
#define ADD _mm512_add_ps
static float hsum(vec v) { return _mm512_reduce_add_ps(v); }
#elif defined(__AVX2__) && defined(__FMA__)
typedef __m256 vec;
#define ISA "avx2+fma (ymm)"
#define LANES 8
#define CHAINS 12
#define SET1 _mm256_set1_ps
#define FMA _mm256_fmadd_ps
#define ADD _mm256_add_ps
static float hsum(vec v) {
    float f[8];
    _mm256_storeu_ps(f, v);
    return f[0] + f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7];
}
#else
#error "fma_probe needs AVX-512F or AVX2 with FMA (build with -march=native on such a CPU)"
#endif

// CHAINS independent chains, written out so every one stays in a register.
#define STEP(i) c##i = FMA(c##i, x, y)
__attribute__((noinline)) static float run_chains(long iterations, float s) {
    const vec x = SET1(1 - s), y = SET1(s);
    vec c0 = SET1(s + 0), c1 = SET1(s + 1), c2 = SET1(s + 2), c3 = SET1(s + 3);
    vec c4 = SET1(s + 4), c5 = SET1(s + 5), c6 = SET1(s + 6), c7 = SET1(s + 7);
    vec c8 = SET1(s + 8), c9 = SET1(s + 9), c10 = SET1(s + 10), c11 = SET1(s + 11);
#if CHAINS == 16
    vec c12 = SET1(s + 12), c13 = SET1(s + 13), c14 = SET1(s + 14), c15 = SET1(s + 15);
#endif
    for (long i = 0; i < iterations; i++) {
        STEP(0); STEP(1); STEP(2); STEP(3); STEP(4); STEP(5);
        STEP(6); STEP(7); STEP(8); STEP(9); STEP(10); STEP(11);
#if CHAINS == 16
        STEP(12); STEP(13); STEP(14); STEP(15);
#endif
        // Keeps the compiler from collapsing or reordering the loop's chains.
        __asm__ volatile("" : "+x"(c0), "+x"(c1), "+x"(c2), "+x"(c3), "+x"(c4), "+x"(c5));
    }
    vec t = ADD(ADD(ADD(c0, c1), ADD(c2, c3)), ADD(ADD(c4, c5), ADD(c6, c7)));
    t = ADD(t, ADD(ADD(c8, c9), ADD(c10, c11)));
#if CHAINS == 16
    t = ADD(t, ADD(ADD(c12, c13), ADD(c14, c15)));
#endif
    return hsum(t);
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
    int index, cpu;
    double start, end;
    float checksum;
    char pad[64];
} worker_t;

static int threads, repeats;
static long iterations;
static worker_t *workers;
static _Atomic long arrived;  // spin barrier: threads that reached it, ever
static volatile float sink;
static double best;  // GFLOP/s, best run of the current thread count

static void spin_barrier(long *round) {
    long target = ++*round * threads;
    atomic_fetch_add_explicit(&arrived, 1, memory_order_acq_rel);
    while (atomic_load_explicit(&arrived, memory_order_acquire) < target) __builtin_ia32_pause();
}

static void pin(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
        fprintf(stderr, "fma_probe: cannot pin to CPU %d\n", cpu);
        exit(1);
    }
}

static void *worker_main(void *arg) {
    worker_t *w = arg;
    pin(w->cpu);
    long round = 0;
    spin_barrier(&round);  // all pinned
    for (int r = 0; r < repeats; r++) {
        spin_barrier(&round);  // common start
        w->start = now();
        w->checksum += run_chains(iterations, 1e-3f);
        w->end = now();
        spin_barrier(&round);  // all finished; thread 0 reads the times
        if (w->index == 0) {
            double first = w->start, last = w->end;
            for (int i = 1; i < threads; i++) {
                if (workers[i].start < first) first = workers[i].start;
                if (workers[i].end > last) last = workers[i].end;
            }
            double gflops = (double)threads * iterations * CHAINS * LANES * 2 / (last - first) / 1e9;
            printf(" %.1f", gflops);
            fflush(stdout);
            if (gflops > best) best = gflops;
        }
        spin_barrier(&round);
    }
    return NULL;
}

// One CPU per core: the first allowed CPU of each (package, core) pair.
static int pick_cores(int *cpus, int max) {
    cpu_set_t allowed;
    sched_getaffinity(0, sizeof allowed, &allowed);
    int count = 0, keys[CPU_SETSIZE];
    for (int cpu = 0; cpu < CPU_SETSIZE && count < max; cpu++) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        int package = 0, core = cpu;
        char path[128];
        FILE *f;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
        if ((f = fopen(path, "r"))) { if (fscanf(f, "%d", &package) != 1) package = 0; fclose(f); }
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
        if ((f = fopen(path, "r"))) { if (fscanf(f, "%d", &core) != 1) core = cpu; fclose(f); }
        int key = package * 65536 + core, seen = 0;
        for (int i = 0; i < count; i++) seen |= keys[i] == key;
        if (seen) continue;
        keys[count] = key;
        cpus[count++] = cpu;
    }
    return count;
}

int main(int argc, char **argv) {
    static int cpus[CPU_SETSIZE];
    int cores = pick_cores(cpus, CPU_SETSIZE);
    int max_threads = argc > 1 ? atoi(argv[1]) : cores;
    repeats = argc > 2 ? atoi(argv[2]) : 5;
    double seconds = argc > 3 ? atof(argv[3]) : 0.3;
    if (max_threads < 1 || max_threads > cores || repeats < 1 || seconds <= 0) {
        fprintf(stderr, "usage: %s [max_threads (1..%d) [repeats [seconds]]]\n", argv[0], cores);
        return 2;
    }
    // Calibrate on one pinned core: double until a run takes 50 ms, then scale.
    pin(cpus[0]);
    long n = 1 << 16;
    double elapsed;
    for (;;) {
        double t0 = now();
        sink += run_chains(n, 1e-3f);
        elapsed = now() - t0;
        if (elapsed >= 0.05) break;
        n *= 2;
    }
    iterations = (long)(n * seconds / elapsed);
    printf("fma_probe: %s, %d chains x %d lanes x 2 FLOP per iteration, %ld iterations (~%.2f s) per run, best of %d\n",
           ISA, CHAINS, LANES, iterations, seconds, repeats);
    for (threads = 1; threads <= max_threads; threads++) {
        workers = calloc(threads, sizeof *workers);
        atomic_store(&arrived, 0);
        printf("threads %d (CPUs", threads);
        for (int i = 0; i < threads; i++) printf(" %d", cpus[i]);
        printf(") runs:");
        pthread_t *ids = calloc(threads, sizeof *ids);
        best = 0;
        for (int i = 0; i < threads; i++) {
            workers[i].index = i;
            workers[i].cpu = cpus[i];
            pthread_create(&ids[i], NULL, worker_main, &workers[i]);
        }
        for (int i = 0; i < threads; i++) pthread_join(ids[i], NULL);
        for (int i = 0; i < threads; i++) sink += workers[i].checksum;
        printf("\nthreads %d: %.1f GFLOP/s (best of %d)\n", threads, best, repeats);
        free(ids);
        free(workers);
    }
    printf("checksum %g\n", (double)sink);
    return 0;
}
