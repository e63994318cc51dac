// sharedspice.h uses `bool` without including <stdbool.h>.
#include <stdbool.h>
#include <ngspice/sharedspice.h>
