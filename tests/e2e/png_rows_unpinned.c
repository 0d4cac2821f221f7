// png_rows_unpinned.c — libpng through `cgosan-run --lib png` (png.h,
// libpng16.so.16: the library the pkg-config package libpng links). The
// program writes an 8x8 grey PNG whose rows are managed buffers, listed in a
// managed array of row pointers, and pins only the first row before
// png_write_image(png, rows). Its parameter is a png_bytepp (png_byte **):
// the interposer checks the whole array, as cgo checks a pointer variable,
// and finds rows 1..7 unpinned. png_rows_pinned.c is the fixed twin.
//
// RUN-UNDER: cgosan-run --lib png --
// LIBS: -lpng16
// EXIT: 66
#include <cgosan/cgosan.h>
#include <png.h>
#include <stdio.h>
#include <string.h>

#ifndef PIN_EVERY_ROW  // png_rows_pinned.c sets it
#define PIN_EVERY_ROW 0
#endif

enum { kSize = 8 };
static const cgosan_type kRowType = {"png_byte[8]", kSize, 0, NULL, 0};
static const uint8_t kRowPointerMask[] = {0x01};
static const cgosan_type kRowPointerType = {"png_bytep", sizeof(png_bytep), 8,
                                            kRowPointerMask, 0};

static void managed_main(void *arg) {
  (void)arg;
  FILE *out = tmpfile();
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, out);
  png_set_IHDR(png, info, kSize, kSize, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);

  cgosan_pinner *pinner = cgosan_pinner_new();
  png_bytep *rows = cgosan_new_array(&kRowPointerType, kSize);
  for (int y = 0; y < kSize; y++) {
    rows[y] = cgosan_new(&kRowType);
    memset(rows[y], y * 32, kSize);
    if (y == 0 || PIN_EVERY_ROW)
      cgosan_pin(pinner, rows[y]);  // BUG (unless PIN_EVERY_ROW): only row 0
  }
  png_write_image(png, rows);
  // CHECK:==[[PID:[0-9]+]]==ERROR: CgoSanitizer: unpinned-pointer-in-argument
  // CHECK-NEXT:argument 1 of png_write_image has managed pointer to unpinned managed pointer
  // CHECK-NEXT:    #0 0x{{[0-9a-f]+}} in managed_main {{.*}}/png_rows_unpinned.c:[[#WRITE:@LINE-3]]:3
  // CHECK:  object 0x{{[0-9a-f]+}} of type 'png_bytep[8]' (64 bytes), element 1 (offset 8)
  // CHECK-NEXT:  holds 0x{{[0-9a-f]+}}, object of type 'png_byte[8]' (8 bytes), not pinned
  // CHECK:SUMMARY: CgoSanitizer: unpinned-pointer-in-argument {{.*}}/png_rows_unpinned.c:[[#WRITE]]:3 in managed_main
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  cgosan_unpin(pinner);
  cgosan_pinner_free(pinner);
  printf("wrote a %dx%d PNG of %ld bytes\n", kSize, kSize, ftell(out));
  fclose(out);
}

int main(void) {
  return cgosan_run(managed_main, NULL);
}
