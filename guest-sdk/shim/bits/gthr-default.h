/* Single-threaded guests: the no-op thread model instead of the POSIX one (needs <pthread.h>). */
#include <bits/gthr-single.h>
