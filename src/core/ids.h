/* ids.h — how long a catalog id (product, plan) may be.
 *
 * One limit for everything that holds one: the catalog refuses longer ids
 * where they are written, the store refuses to record them, and the fixed
 * buffers of requested changes, the command line and the screens are
 * BC_ID_MAX + 1 bytes, so an id the catalog accepts always fits. */
#ifndef BC_IDS_H
#define BC_IDS_H

#define BC_ID_MAX 63          /* bytes, without the terminating NUL */

#endif
