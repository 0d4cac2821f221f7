/* rows.c — see rows.h. Plain C; knows nothing about cgosan. */
#include "rows.h"

#include <string.h>

long rows_name_length(const struct row *row) {
  return row->name ? (long)strlen(row->name) : 0;
}

long rows_made_name_length(const struct row *(*make)(void *ud), void *ud) {
  return rows_name_length(make(ud));
}
