#ifndef CMPI_H
#define CMPI_H

/// The few Open MPI calls Recur makes, resolved from libmpi.so.40 with dlopen
/// when a run asks for MPI, so the `recur` binary needs no MPI to build, link
/// or run on one machine. Every function returns 0 on success (MPI_SUCCESS),
/// -1 when the library is not loaded, or MPI's own error code.
///
/// Requests are Open MPI's `MPI_Request` (a pointer) held as `void *`.
/// The shim targets Open MPI's ABI (libmpi.so.40: handles are pointers to
/// its predefined objects); MPICH's integer handles are not supported.

#include <stddef.h>

/// Loads `path` (NULL: libmpi.so.40) and resolves every symbol. On failure
/// writes dlerror's text to `error` and returns -1.
int recur_mpi_load(const char *path, char *error, int errorLength);

/// MPI_Init_thread with MPI_THREAD_FUNNELED; `provided` receives the level.
int recur_mpi_init(int *provided);
int recur_mpi_rank(int *rank);
int recur_mpi_size(int *size);
int recur_mpi_finalize(void);
int recur_mpi_abort(int code);
int recur_mpi_library_version(char *text, int length);

int recur_mpi_isend(const void *buffer, int bytes, int destination, int tag, void **request);
int recur_mpi_irecv(void *buffer, int bytes, int source, int tag, void **request);
int recur_mpi_isend_floats(const float *buffer, int count, int destination, int tag, void **request);
int recur_mpi_irecv_floats(float *buffer, int count, int source, int tag, void **request);
/// Every rank's `bytes` from `send`, in rank order, into `receive`.
int recur_mpi_iallgather(const void *send, int bytes, void *receive, void **request);
/// `done` becomes 1 when the request completed (the request is then freed).
int recur_mpi_test(void **request, int *done);
int recur_mpi_cancel(void **request);

#endif
