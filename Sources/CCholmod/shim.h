// SuiteSparse's CHOLMOD (Debian's libsuitesparse-dev installs no pkg-config file; the headers
// live in /usr/include/suitesparse, and cholmod.h finds its siblings by quoted includes).
#include <suitesparse/cholmod.h>
