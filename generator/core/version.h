#ifndef GM_VERSION_H
#define GM_VERSION_H
#define GAPMAP_VERSION "0.1.0"
#endif
