#ifndef LOGVIEW_CNCURSESW_SHIM_H
#define LOGVIEW_CNCURSESW_SHIM_H
// Wide-character ncurses: the *_wch functions need these before the header.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncursesw/curses.h>

/// The ncurses version string; a function because Swift cannot see the macro form.
static inline const char *logview_curses_version(void) { return curses_version(); }
#endif
