/* lpattern: Lua 5.4's pattern functions (string.find, string.match,
 * string.gmatch, string.gsub) with their exact semantics and error messages,
 * but with the matching work metered.
 *
 * Lua's own matcher runs in C, where a count hook never fires, and it
 * backtracks without bound: string.find(("a"):rep(20000), ".-.-b") runs for
 * hours. These versions count their work in steps and ask a caller's meter
 * for more as they go, so the caller can charge the work to its own budget
 * and stop it. A step is one call or loop of the matcher or one character
 * tried against a pattern item (a [set] costs more); tight scans cost a step
 * per several bytes: memchr and memcmp (plain find, back-references, gsub's
 * replacement string) one per LP_BULK_BYTES, a %b one per 4. Any step takes
 * about as long as a few Lua instructions.
 *
 * Ownership: lp_install copies the meter into the state; the meter's ud must
 * outlive the lua_State (or at least every call of the installed
 * functions). */
#ifndef GM_LPATTERN_H
#define GM_LPATTERN_H

#include <stddef.h>

#include <lua.h>

/* Bytes memchr or memcmp go through for one step: they test many bytes at
 * once, where the matcher's loops handle one character per step. */
#define LP_BULK_BYTES 256

/* Charges steps the matcher has taken since it last asked, and returns how
 * many more it may take before asking again (at least 1). When the budget is
 * spent it must not return: it raises a Lua error (lua_error), which
 * unwinds the matcher like any other error. Called with steps == 0 for a
 * first allowance. */
typedef size_t (*lp_charge_fn)(lua_State *L, void *ud, size_t steps);

typedef struct lp_meter {
	lp_charge_fn charge;
	void *ud;
} lp_meter;

/* Sets "find", "match", "gmatch" and "gsub" in the table at index lib to
 * the metered versions. Other tables holding Lua's own functions (and any
 * other lua_State) are left alone. */
void lp_install(lua_State *L, int lib, const lp_meter *m);

#endif
