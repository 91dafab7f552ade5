#include "load/schema.h"

#include <stdlib.h>
#include <string.h>

static bool in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

void schema_check_keys(const yml_node *map, const char *const *allowed, size_t n,
                       const char *const *extra, size_t nextra, const char *what, diag *d)
{
	if (!map || map->kind != YML_MAP)
		return;
	for (size_t i = 0; i < map->count; i++) {
		const yml_node *k = map->pairs[i].key;
		if (in_list(k->value, allowed, n) || in_list(k->value, extra, nextra))
			continue;
		const char *hint = diag_suggest(k->value, allowed, n);
		if (!hint && extra)
			hint = diag_suggest(k->value, extra, nextra);
		if (hint)
			diag_error(d, k->file, k->line, k->col,
			           "unknown field \"%s\" in %s; did you mean \"%s\"?", k->value, what,
			           hint);
		else
			diag_error(d, k->file, k->line, k->col, "unknown field \"%s\" in %s", k->value,
			           what);
	}
}

/* Finds key; reports a missing required field at the mapping's position. */
static const yml_node *field(const yml_node *map, const char *key, bool required, bool *ok,
                             diag *d)
{
	const yml_node *v = yml_get(map, key);
	if (v && yml_is_null(v))
		v = NULL;
	if (!v && required) {
		diag_error(d, map->file, map->line, map->col, "missing required field \"%s\"", key);
		*ok = false;
	}
	return v;
}

static bool want_scalar(const yml_node *v, const char *key, bool *ok, diag *d)
{
	if (v->kind == YML_SCALAR)
		return true;
	diag_error(d, v->file, v->line, v->col, "\"%s\" should be a single value, not a %s", key,
	           yml_kind_name(v->kind));
	*ok = false;
	return false;
}

bool schema_string(const yml_node *map, const char *key, bool required, char **out,
                   bool *ok, diag *d)
{
	const yml_node *v = field(map, key, required, ok, d);
	if (!v || !want_scalar(v, key, ok, d))
		return false;
	if (v->len != strlen(v->value)) {
		diag_error(d, v->file, v->line, v->col, "\"%s\" contains a NUL character", key);
		*ok = false;
		return false;
	}
	free(*out);
	*out = xstrdup(v->value);
	return true;
}

bool schema_int(const yml_node *map, const char *key, bool required, long long min,
                long long max, long long *out, bool *ok, diag *d)
{
	const yml_node *v = field(map, key, required, ok, d);
	if (!v || !want_scalar(v, key, ok, d))
		return false;
	long long x;
	if (!yml_int(v, &x)) {
		diag_error(d, v->file, v->line, v->col, "\"%s\" should be a whole number, not \"%s\"",
		           key, v->value);
		*ok = false;
		return false;
	}
	if (x < min || x > max) {
		diag_error(d, v->file, v->line, v->col, "\"%s\" is %lld; it should be between %lld and %lld",
		           key, x, min, max);
		*ok = false;
		return false;
	}
	*out = x;
	return true;
}

bool schema_bool(const yml_node *map, const char *key, bool *out, bool *ok, diag *d)
{
	const yml_node *v = field(map, key, false, ok, d);
	if (!v || !want_scalar(v, key, ok, d))
		return false;
	if (!yml_bool(v, out)) {
		diag_error(d, v->file, v->line, v->col, "\"%s\" should be true or false, not \"%s\"",
		           key, v->value);
		*ok = false;
		return false;
	}
	return true;
}

/* 0 for a real calendar day written YYYY-MM-DD; otherwise why not, for
 * the message: -1 not in that form, else the number of days the month has
 * (so "2023-02-29" can say February 2023 has 28 days), or 13 for a month
 * out of range. */
static int check_date(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int y = atoi(s), m = atoi(s + 5), day = atoi(s + 8);
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 13;
	int lim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		lim = 29;
	return day >= 1 && day <= lim ? 0 : lim;
}

bool schema_check_date(const char *key, const char *value, const char *file, int line,
                       int col, diag *d)
{
	int why = check_date(value);
	if (why == 13) {
		diag_error(d, file, line, col,
		           "\"%s\" should be a date written YYYY-MM-DD, not \"%s\" (there is no month "
		           "%.2s)",
		           key, value, value + 5);
		return false;
	} else if (why > 0) {
		static const char *const months[] = {"January", "February", "March", "April",
		                                     "May", "June", "July", "August",
		                                     "September", "October", "November", "December"};
		diag_error(d, file, line, col,
		           "\"%s\" should be a date written YYYY-MM-DD, not \"%s\" (%s %.4s has %d "
		           "days)",
		           key, value, months[atoi(value + 5) - 1], value, why);
		return false;
	} else if (why < 0) {
		diag_error(d, file, line, col, "\"%s\" should be a date written YYYY-MM-DD, not \"%s\"",
		           key, value);
		return false;
	}
	return true;
}

bool schema_date(const yml_node *map, const char *key, bool required, char **out, bool *ok,
                 diag *d)
{
	const yml_node *v = field(map, key, required, ok, d);
	if (!v || !want_scalar(v, key, ok, d))
		return false;
	if (!schema_check_date(key, v->value, v->file, v->line, v->col, d)) {
		*ok = false;
		return false;
	}
	free(*out);
	*out = xstrdup(v->value);
	return true;
}

bool schema_strings(const yml_node *map, const char *key, bool required, char ***out,
                    size_t *n, bool *ok, diag *d)
{
	const yml_node *v = field(map, key, required, ok, d);
	if (!v)
		return false;
	if (v->kind == YML_MAP) {
		diag_error(d, v->file, v->line, v->col, "\"%s\" should be a list, not a mapping", key);
		*ok = false;
		return false;
	}
	size_t count = v->kind == YML_SEQ ? v->count : 1;
	char **list = xcalloc(count, sizeof *list);
	size_t k = 0;
	bool good = true;
	for (size_t i = 0; i < count; i++) {
		const yml_node *it = v->kind == YML_SEQ ? v->items[i] : v;
		if (it->kind != YML_SCALAR) {
			diag_error(d, it->file, it->line, it->col,
			           "items of \"%s\" should be single values, not a %s", key,
			           yml_kind_name(it->kind));
			good = false;
			continue;
		}
		list[k++] = xstrdup(it->value);
	}
	if (!good) {
		schema_free_strings(list, k);
		*ok = false;
		return false;
	}
	schema_free_strings(*out, *n);
	*out = list;
	*n = k;
	return true;
}

bool schema_valid_id(const char *s)
{
	if (!s[0] || s[0] == '-' || strlen(s) > SCHEMA_ID_MAX)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

void schema_free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
