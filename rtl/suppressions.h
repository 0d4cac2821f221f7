// suppressions.h — silencing known reports without switching checks off.
//
// CGOSAN_OPTIONS=suppressions=FILE names a file in sanitizer_common's format,
// one "kind:pattern" a line ('#' starts a comment), where kind is a report
// kind (unpinned-pointer-in-argument, data-race, ...) and pattern a template
// with '*' wildcards ('^' / '$' anchor it). A report of that kind is
// suppressed when the pattern matches its callee (the foreign function, or
// the managed callback, it is about) or the function, source file or module
// of any frame the report shows (not the runtime's own), as TSan matches
// its frames:
//
//   unpinned-pointer-in-argument:sqlite3_bind_*
//   unpinned-pointer-store:legacy_cache.c
//
// A suppressed report is counted (SuppressedReportCount, and each
// suppression's hit count), not printed, and does not end the process.
#ifndef CGOSAN_RTL_SUPPRESSIONS_H
#define CGOSAN_RTL_SUPPRESSIONS_H

#include "report.h"

namespace __cgosan {

// Reads the suppressions flag's file; an unreadable file or an unknown kind
// ends the process with a one-line message. Called once, while the flags are
// parsed.
void InitializeSuppressions();
// The same from the text of a suppressions file; file names it in messages.
void InitializeSuppressionsFromText(const char *text, const char *file);

// True when a suppression matches r (see above), with *pattern (when given)
// set to the matching suppression's pattern. Symbolizes r's stack only when
// a suppression of r's kind exists. Report path: no malloc.
bool IsSuppressed(const ReportDesc &r, const char **pattern = nullptr);

// With print_suppressions (default on), at exit: each suppression that
// matched a report and how often, as TSan prints them; nothing when none did.
void PrintMatchedSuppressions();

}  // namespace __cgosan

#endif  // CGOSAN_RTL_SUPPRESSIONS_H
