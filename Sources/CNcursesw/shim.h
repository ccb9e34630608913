#ifndef LOGVIEW_CNCURSESW_SHIM_H
#define LOGVIEW_CNCURSESW_SHIM_H
// Wide-character ncurses: the *_wch functions need these before the header.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <ncursesw/curses.h>

/// The ncurses version string; a function because Swift cannot see the macro form.
static inline const char *logview_curses_version(void) { return curses_version(); }

/// Globals as functions (Swift 6 does not allow touching C global variables directly).
static inline WINDOW *logview_stdscr(void) { return stdscr; }
static inline FILE *logview_stdin(void) { return stdin; }
static inline FILE *logview_stdout(void) { return stdout; }

/// Sets the attributes and colour pair for what is drawn next (attr_set is a macro).
static inline int logview_set_style(int pair, int bold, int underline, int reverse) {
    attr_t a = A_NORMAL;
    if (bold) a |= A_BOLD;
    if (underline) a |= A_UNDERLINE;
    if (reverse) a |= A_REVERSE;
    return wattr_set(logview_stdscr(), a, (short)pair, NULL);
}

/// The number of colours the terminal has (COLORS may be a macro).
static inline int logview_colors(void) { return COLORS; }
static inline int logview_color_pairs(void) { return COLOR_PAIRS; }
static inline int logview_key_f(int n) { return KEY_F(n); }

/// Mouse wheel masks (computed macros in ncurses 6).
static inline mmask_t logview_wheel_mask(void) { return BUTTON4_PRESSED | BUTTON5_PRESSED; }
static inline int logview_is_wheel_up(mmask_t state) { return (state & BUTTON4_PRESSED) != 0; }
static inline int logview_is_wheel_down(mmask_t state) { return (state & BUTTON5_PRESSED) != 0; }

/// Whether the C library's character set is UTF-8 (after setlocale).
static inline int logview_locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs && (cs[0] == 'U' || cs[0] == 'u') && (cs[1] == 'T' || cs[1] == 't') && (cs[2] == 'F' || cs[2] == 'f');
}
#endif
