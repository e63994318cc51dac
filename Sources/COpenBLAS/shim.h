#include <cblas.h>
// Declared by OpenBLAS but not by the reference cblas.h.
void openblas_set_num_threads(int num_threads);
char *openblas_get_corename(void);
int openblas_get_num_threads(void);
