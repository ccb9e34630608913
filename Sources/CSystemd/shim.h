#ifndef LOGVIEW_CSYSTEMD_SHIM_H
#define LOGVIEW_CSYSTEMD_SHIM_H
#include <systemd/sd-journal.h>
#endif
