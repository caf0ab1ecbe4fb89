#ifndef RECUR_CHWLOC_SHIM_H
#define RECUR_CHWLOC_SHIM_H
#include <hwloc.h>
#endif
