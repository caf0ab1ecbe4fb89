// The Open MPI shim: see CMPI.h. Handles (MPI_COMM_WORLD, MPI_BYTE,
// MPI_FLOAT) are the addresses of Open MPI's predefined objects, which
// its mpi.h takes with `&ompi_mpi_comm_world` and so on.
#include "CMPI.h"
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef void *Handle;

static void *library;
static Handle commWorld, byteType, floatType;

static int (*initThread)(int *, char ***, int, int *);
static int (*commRank)(Handle, int *);
static int (*commSize)(Handle, int *);
static int (*finalize)(void);
static int (*abortRun)(Handle, int);
static int (*libraryVersion)(char *, int *);
static int (*isend)(const void *, int, Handle, int, int, Handle, void **);
static int (*irecv)(void *, int, Handle, int, int, Handle, void **);
static int (*iallgather)(const void *, int, Handle, void *, int, Handle, Handle, void **);
static int (*test)(void **, int *, void *);
static int (*cancelRequest)(void **);
static int (*requestFree)(void **);

static int resolve(void **slot, const char *name, char *error, int errorLength) {
    *slot = dlsym(library, name);
    if (*slot == NULL) {
        snprintf(error, (size_t)errorLength, "%s has no symbol %s (not Open MPI 4 or newer?)", "the MPI library", name);
        return -1;
    }
    return 0;
}

int recur_mpi_load(const char *path, char *error, int errorLength) {
    if (library != NULL) return 0;
    // RTLD_GLOBAL: Open MPI's own plugins, loaded later, link against libmpi's symbols.
    void *handle = dlopen(path != NULL ? path : "libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    if (handle == NULL) {
        const char *text = dlerror();
        snprintf(error, (size_t)errorLength, "%s", text != NULL ? text : "dlopen failed");
        return -1;
    }
    library = handle;
    if (resolve((void **)&initThread, "MPI_Init_thread", error, errorLength) ||
        resolve((void **)&commRank, "MPI_Comm_rank", error, errorLength) ||
        resolve((void **)&commSize, "MPI_Comm_size", error, errorLength) ||
        resolve((void **)&finalize, "MPI_Finalize", error, errorLength) ||
        resolve((void **)&abortRun, "MPI_Abort", error, errorLength) ||
        resolve((void **)&libraryVersion, "MPI_Get_library_version", error, errorLength) ||
        resolve((void **)&isend, "MPI_Isend", error, errorLength) ||
        resolve((void **)&irecv, "MPI_Irecv", error, errorLength) ||
        resolve((void **)&iallgather, "MPI_Iallgather", error, errorLength) ||
        resolve((void **)&test, "MPI_Test", error, errorLength) ||
        resolve((void **)&cancelRequest, "MPI_Cancel", error, errorLength) ||
        resolve((void **)&requestFree, "MPI_Request_free", error, errorLength) ||
        resolve(&commWorld, "ompi_mpi_comm_world", error, errorLength) ||
        resolve(&byteType, "ompi_mpi_byte", error, errorLength) ||
        resolve(&floatType, "ompi_mpi_float", error, errorLength)) {
        library = NULL;
        return -1;
    }
    return 0;
}

#define REQUIRE_LOADED if (library == NULL) return -1

int recur_mpi_init(int *provided) {
    REQUIRE_LOADED;
    // MPI_THREAD_FUNNELED (1): only the thread that initialised MPI calls it.
    return initThread(NULL, NULL, 1, provided);
}

int recur_mpi_rank(int *rank) { REQUIRE_LOADED; return commRank(commWorld, rank); }
int recur_mpi_size(int *size) { REQUIRE_LOADED; return commSize(commWorld, size); }
int recur_mpi_finalize(void) { REQUIRE_LOADED; return finalize(); }
int recur_mpi_abort(int code) { REQUIRE_LOADED; return abortRun(commWorld, code); }

int recur_mpi_library_version(char *text, int length) {
    REQUIRE_LOADED;
    // MPI_MAX_LIBRARY_VERSION_STRING is 256 in Open MPI.
    char buffer[512];
    int written = 0;
    int result = libraryVersion(buffer, &written);
    if (result != 0) return result;
    snprintf(text, (size_t)length, "%s", buffer);
    return 0;
}

int recur_mpi_isend(const void *buffer, int bytes, int destination, int tag, void **request) {
    REQUIRE_LOADED;
    return isend(buffer, bytes, byteType, destination, tag, commWorld, request);
}

int recur_mpi_irecv(void *buffer, int bytes, int source, int tag, void **request) {
    REQUIRE_LOADED;
    return irecv(buffer, bytes, byteType, source, tag, commWorld, request);
}

int recur_mpi_isend_floats(const float *buffer, int count, int destination, int tag, void **request) {
    REQUIRE_LOADED;
    return isend(buffer, count, floatType, destination, tag, commWorld, request);
}

int recur_mpi_irecv_floats(float *buffer, int count, int source, int tag, void **request) {
    REQUIRE_LOADED;
    return irecv(buffer, count, floatType, source, tag, commWorld, request);
}

int recur_mpi_iallgather(const void *send, int bytes, void *receive, void **request) {
    REQUIRE_LOADED;
    return iallgather(send, bytes, byteType, receive, bytes, byteType, commWorld, request);
}

int recur_mpi_test(void **request, int *done) {
    REQUIRE_LOADED;
    // MPI_STATUS_IGNORE is a null pointer in Open MPI.
    return test(request, done, NULL);
}

int recur_mpi_cancel(void **request) {
    REQUIRE_LOADED;
    int result = cancelRequest(request);
    if (result != 0) return result;
    return requestFree(request);
}
