#include "import/bibtex.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"

/* TeX accent commands on a letter, and the precomposed letter. */
static const char *const accents[][3] = {
	{"\"", "a", "ä"}, {"\"", "e", "ë"}, {"\"", "i", "ï"}, {"\"", "o", "ö"}, {"\"", "u", "ü"},
	{"\"", "y", "ÿ"}, {"\"", "A", "Ä"}, {"\"", "E", "Ë"}, {"\"", "I", "Ï"}, {"\"", "O", "Ö"},
	{"\"", "U", "Ü"}, {"'", "a", "á"},  {"'", "e", "é"},  {"'", "i", "í"},  {"'", "o", "ó"},
	{"'", "u", "ú"},  {"'", "y", "ý"},  {"'", "c", "ć"},  {"'", "n", "ń"},  {"'", "s", "ś"},
	{"'", "z", "ź"},  {"'", "A", "Á"},  {"'", "E", "É"},  {"'", "I", "Í"},  {"'", "O", "Ó"},
	{"'", "U", "Ú"},  {"'", "C", "Ć"},  {"'", "S", "Ś"},  {"'", "Z", "Ź"},  {"`", "a", "à"},
	{"`", "e", "è"},  {"`", "i", "ì"},  {"`", "o", "ò"},  {"`", "u", "ù"},  {"`", "A", "À"},
	{"`", "E", "È"},  {"^", "a", "â"},  {"^", "e", "ê"},  {"^", "i", "î"},  {"^", "o", "ô"},
	{"^", "u", "û"},  {"^", "A", "Â"},  {"^", "E", "Ê"},  {"^", "O", "Ô"},  {"~", "n", "ñ"},
	{"~", "a", "ã"},  {"~", "o", "õ"},  {"~", "N", "Ñ"},  {"~", "A", "Ã"},  {"~", "O", "Õ"},
	{"c", "c", "ç"},  {"c", "C", "Ç"},  {"c", "s", "ş"},  {"c", "S", "Ş"},  {"v", "c", "č"},
	{"v", "s", "š"},  {"v", "z", "ž"},  {"v", "r", "ř"},  {"v", "e", "ě"},  {"v", "n", "ň"},
	{"v", "C", "Č"},  {"v", "S", "Š"},  {"v", "Z", "Ž"},  {"v", "R", "Ř"},  {"u", "a", "ă"},
	{"u", "g", "ğ"},  {"H", "o", "ő"},  {"H", "u", "ű"},  {"H", "O", "Ő"},  {"H", "U", "Ű"},
	{"r", "a", "å"},  {"r", "A", "Å"},  {"k", "a", "ą"},  {"k", "e", "ę"},  {"=", "a", "ā"},
	{"=", "e", "ē"},  {"=", "o", "ō"},  {".", "z", "ż"},  {".", "Z", "Ż"},  {"'", "\\i", "í"},
};

/* Letters written as commands. */
static const char *const letters[][2] = {
	{"ss", "ß"}, {"o", "ø"},  {"O", "Ø"}, {"ae", "æ"}, {"AE", "Æ"}, {"oe", "œ"}, {"OE", "Œ"},
	{"aa", "å"}, {"AA", "Å"}, {"l", "ł"}, {"L", "Ł"},  {"i", "ı"},  {"j", "ȷ"},  {"dh", "ð"},
	{"th", "þ"}, {"textendash", "–"}, {"textemdash", "—"}, {"&", "&"}, {"%", "%"},
	{"$", "$"},  {"_", "_"}, {"#", "#"}, {"{", "{"}, {"}", "}"}, {"textquoteright", "’"},
};

/* Reads an accent's argument at *p: "{o}", "o", " o", "{\i}". */
static bool accent_arg(const char **p, char *arg, size_t cap)
{
	const char *s = *p;
	while (*s == ' ')
		s++;
	size_t n = 0;
	if (*s == '{') {
		s++;
		while (*s && *s != '}' && n + 1 < cap)
			arg[n++] = *s++;
		if (*s != '}')
			return false;
		s++;
	} else if (*s == '\\' && s[1] == 'i') {
		arg[n++] = '\\';
		arg[n++] = 'i';
		s += 2;
	} else if (isalpha((unsigned char)*s)) {
		arg[n++] = *s++;
	} else {
		return false;
	}
	arg[n] = '\0';
	*p = s;
	return true;
}

char *bibtex_detex(const char *s)
{
	buf b = BUF_INIT;
	const char *p = s;
	while (*p) {
		if (*p == '{' || *p == '}') {
			p++;
		} else if (*p == '~') {
			buf_putc(&b, ' ');
			p++;
		} else if (*p == '-' && p[1] == '-') {
			bool em = p[2] == '-';
			buf_puts(&b, em ? "—" : "–");
			p += em ? 3 : 2;
		} else if (isspace((unsigned char)*p)) {
			while (isspace((unsigned char)*p))
				p++;
			if (b.len && b.data[b.len - 1] != ' ')
				buf_putc(&b, ' ');
		} else if (*p == '\\') {
			const char *cmd = p + 1;
			size_t n = 0;
			if (isalpha((unsigned char)cmd[0]))
				while (isalpha((unsigned char)cmd[n]))
					n++;
			else if (cmd[0])
				n = 1;
			bool done = false;
			for (size_t i = 0; !done && i < sizeof accents / sizeof *accents; i++) {
				if (strlen(accents[i][0]) != n || strncmp(cmd, accents[i][0], n) != 0)
					continue;
				const char *q = cmd + n;
				char arg[16];
				if (!accent_arg(&q, arg, sizeof arg))
					break;
				for (size_t k = 0; k < sizeof accents / sizeof *accents; k++)
					if (!strcmp(accents[k][0], accents[i][0]) && !strcmp(accents[k][1], arg)) {
						buf_puts(&b, accents[k][2]);
						p = q;
						done = true;
						break;
					}
				if (!done) { /* an accent we do not know: keep the letter */
					buf_puts(&b, arg[0] == '\\' ? arg + 1 : arg);
					p = q;
					done = true;
				}
			}
			for (size_t i = 0; !done && i < sizeof letters / sizeof *letters; i++)
				if (strlen(letters[i][0]) == n && strncmp(cmd, letters[i][0], n) == 0) {
					buf_puts(&b, letters[i][1]);
					p = cmd + n;
					if (isalpha((unsigned char)*cmd))
						while (*p == ' ')
							p++; /* "\ss er" reads "ßer"; "\o{}" too */
					if (*p == '{' && p[1] == '}')
						p += 2;
					done = true;
				}
			if (!done) /* other commands (\emph, \textit): keep their text */
				p = cmd + n;
		} else {
			buf_putc(&b, *p++);
		}
	}
	while (b.len && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	char *out = buf_detach(&b);
	size_t lead = strspn(out, " ");
	memmove(out, out + lead, strlen(out + lead) + 1);
	return out;
}

typedef struct entry {
	char *type, *key;
	int line;
	char **names, **values; /* field names lower-cased; values raw (TeX) */
	size_t n;
} entry;

typedef struct parser {
	const char *file;
	const char *p;
	int line;
	diag *d;
	char **macro_names, **macro_values;
	size_t nmacros;
} parser;

static void advance(parser *ps, size_t n)
{
	for (size_t i = 0; i < n && *ps->p; i++, ps->p++)
		ps->line += *ps->p == '\n';
}

static void skip_space(parser *ps)
{
	while (*ps->p && (isspace((unsigned char)*ps->p) || *ps->p == '%')) {
		if (*ps->p == '%') /* a comment to the end of the line */
			while (*ps->p && *ps->p != '\n')
				advance(ps, 1);
		else
			advance(ps, 1);
	}
}

static char *read_word(parser *ps)
{
	const char *s = ps->p;
	while (*ps->p && !isspace((unsigned char)*ps->p) && !strchr("{}(),=#\"", *ps->p))
		advance(ps, 1);
	return xstrndup(s, (size_t)(ps->p - s));
}

/* A {...} or "..." value with its outer delimiters removed; NULL when it
 * never closes. */
static char *read_delimited(parser *ps)
{
	char open = *ps->p;
	int depth = 0;
	advance(ps, 1);
	const char *s = ps->p;
	while (*ps->p) {
		char c = *ps->p;
		if (c == '\\' && ps->p[1]) {
			advance(ps, 2);
			continue;
		}
		if (c == '{')
			depth++;
		else if (c == '}' && depth > 0)
			depth--;
		else if (depth == 0 && ((open == '{' && c == '}') || (open == '"' && c == '"'))) {
			char *v = xstrndup(s, (size_t)(ps->p - s));
			advance(ps, 1);
			return v;
		}
		advance(ps, 1);
	}
	return NULL;
}

static const char *macro(const parser *ps, const char *name)
{
	static const char *const months[][2] = {
		{"jan", "January"}, {"feb", "February"}, {"mar", "March"},     {"apr", "April"},
		{"may", "May"},     {"jun", "June"},     {"jul", "July"},      {"aug", "August"},
		{"sep", "September"}, {"oct", "October"}, {"nov", "November"}, {"dec", "December"}};
	for (size_t i = ps->nmacros; i-- > 0;)
		if (strcasecmp(ps->macro_names[i], name) == 0)
			return ps->macro_values[i];
	for (size_t i = 0; i < 12; i++)
		if (strcasecmp(months[i][0], name) == 0)
			return months[i][1];
	return NULL;
}

/* A value: pieces joined by #. NULL on a syntax error (reported). */
static char *read_value(parser *ps)
{
	buf b = BUF_INIT;
	for (;;) {
		skip_space(ps);
		char *piece = NULL;
		if (*ps->p == '{' || *ps->p == '"') {
			int line = ps->line;
			piece = read_delimited(ps);
			if (!piece) {
				diag_error(ps->d, ps->file, line, 0, "a value that opens here never closes");
				buf_free(&b);
				return NULL;
			}
		} else {
			char *w = read_word(ps);
			if (!*w) {
				diag_error(ps->d, ps->file, ps->line, 0, "a field value is missing");
				free(w);
				buf_free(&b);
				return NULL;
			}
			const char *m = isdigit((unsigned char)*w) ? NULL : macro(ps, w);
			if (!m && !isdigit((unsigned char)*w))
				diag_warning(ps->d, ps->file, ps->line, 0, "unknown @string \"%s\"", w);
			piece = xstrdup(m ? m : isdigit((unsigned char)*w) ? w : "");
			free(w);
		}
		buf_puts(&b, piece);
		free(piece);
		skip_space(ps);
		if (*ps->p != '#')
			break;
		advance(ps, 1);
	}
	return buf_detach(&b);
}

/* Skips to the next '@' that starts a line, after a broken entry. */
static void recover(parser *ps)
{
	do
		advance(ps, 1);
	while (*ps->p && !(*ps->p == '@' && ps->p[-1] == '\n'));
}

static void entry_free(entry *e)
{
	free(e->type);
	free(e->key);
	for (size_t i = 0; i < e->n; i++) {
		free(e->names[i]);
		free(e->values[i]);
	}
	free(e->names);
	free(e->values);
}

static const char *get(const entry *e, const char *name)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->names[i], name) == 0)
			return e->values[i];
	return NULL;
}

/* Reads "name = value, ..." up to the closing delimiter. */
static bool read_fields(parser *ps, entry *e, char close)
{
	for (;;) {
		skip_space(ps);
		if (*ps->p == close) {
			advance(ps, 1);
			return true;
		}
		if (*ps->p == ',') {
			advance(ps, 1);
			continue;
		}
		if (!*ps->p) {
			diag_error(ps->d, ps->file, e->line, 0, "entry @%s{%s never closes", e->type,
			           e->key ? e->key : "");
			return false;
		}
		char *name = read_word(ps);
		skip_space(ps);
		if (!*name || *ps->p != '=') {
			diag_error(ps->d, ps->file, ps->line, 0, "expected \"field = value\" in @%s{%s",
			           e->type, e->key ? e->key : "");
			free(name);
			return false;
		}
		advance(ps, 1);
		char *v = read_value(ps);
		if (!v) {
			free(name);
			return false;
		}
		for (char *q = name; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		e->names = xrealloc(e->names, (e->n + 1) * sizeof *e->names);
		e->values = xrealloc(e->values, (e->n + 1) * sizeof *e->values);
		e->names[e->n] = name;
		e->values[e->n++] = v;
	}
}

static const char *ref_type(const char *t)
{
	static const char *const map[][2] = {
		{"article", "article"},      {"book", "book"},         {"inbook", "chapter"},
		{"incollection", "chapter"}, {"inproceedings", "conference"}, {"conference", "conference"},
		{"proceedings", "conference"}, {"techreport", "report"}, {"report", "report"},
		{"phdthesis", "thesis"},     {"mastersthesis", "thesis"}, {"thesis", "thesis"},
		{"online", "webpage"},       {"electronic", "webpage"}, {"www", "webpage"},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (strcasecmp(t, map[i][0]) == 0)
			return map[i][1];
	return "other";
}

/* One BibTeX name to "Family, Given": "Last, First", "Last, Jr, First",
 * "First von Last" and "{Organisation}" forms. */
static char *family_first(const char *raw)
{
	/* Split at top-level commas. */
	const char *parts[3] = {raw, NULL, NULL};
	size_t lens[3] = {0};
	int np = 1, depth = 0;
	const char *start = raw;
	for (const char *q = raw;; q++) {
		if (*q == '{')
			depth++;
		else if (*q == '}')
			depth--;
		if (!*q || (*q == ',' && depth == 0)) {
			lens[np - 1] = (size_t)(q - start);
			if (!*q || np == 3)
				break;
			parts[np++] = q + 1;
			start = q + 1;
		}
	}
	char *given = NULL, *family = NULL;
	if (np == 1) {
		/* "First von Last": the family name is the last word (or braced group)
		 * and any lower-case words before it. */
		char *t = xstrndup(parts[0], lens[0]);
		size_t n = strlen(t);
		while (n && isspace((unsigned char)t[n - 1]))
			t[--n] = '\0';
		size_t i = n;
		depth = 0;
		while (i > 0) {
			char c = t[i - 1];
			if (c == '}')
				depth++;
			else if (c == '{')
				depth--;
			else if (c == ' ' && depth == 0)
				break;
			i--;
		}
		while (i > 1) { /* von, van der, de la */
			size_t w = i - 1;
			while (w > 0 && t[w - 1] != ' ')
				w--;
			if (!islower((unsigned char)t[w]))
				break;
			i = w;
		}
		family = xstrdup(t + i);
		t[i] = '\0';
		given = t;
	} else {
		family = xstrndup(parts[0], lens[0]);
		given = xstrndup(parts[np - 1], lens[np - 1]);
	}
	char *f = bibtex_detex(family), *g = bibtex_detex(given);
	char *out = *g ? xasprintf("%s, %s", f, g) : xstrdup(f);
	free(f);
	free(g);
	free(family);
	free(given);
	return out;
}

static void add_authors(imp_ref *r, const char *v)
{
	const char *s = v;
	int depth = 0;
	for (const char *q = v;; q++) {
		if (*q == '{')
			depth++;
		else if (*q == '}')
			depth--;
		bool sep = depth == 0 && q > v && isspace((unsigned char)q[-1]) &&
		           strncasecmp(q, "and", 3) == 0 && isspace((unsigned char)q[3]);
		if (!*q || sep) {
			char *one = xstrndup(s, (size_t)(q - s));
			char *name = family_first(one);
			if (strcasecmp(name, "others") != 0)
				ref_add_author(r, name);
			free(name);
			free(one);
			if (!*q)
				break;
			s = q + 3;
		}
	}
}

static void set_detex(char **field, const char *v)
{
	if (!v)
		return;
	char *t = bibtex_detex(v);
	ref_set(field, t);
	free(t);
}

static void to_ref(const entry *e, const entry *parent, imp_refs *out, const char *file)
{
	imp_ref *r = refs_add(out, file, e->line);
#define F(name) (get(e, name) ? get(e, name) : parent ? get(parent, name) : NULL)
	ref_set(&r->type, ref_type(e->type));
	set_detex(&r->title, F("title"));
	const char *authors = F("author") ? F("author") : F("editor");
	if (authors)
		add_authors(r, authors);
	const char *y = F("year") ? F("year") : F("date");
	r->year = y ? ref_year(y) : 0;
	const char *journal = F("journal") ? F("journal") : F("journaltitle") ? F("journaltitle")
	                                                                      : F("booktitle");
	set_detex(&r->journal, journal);
	const char *pub = F("publisher") ? F("publisher") : F("institution") ? F("institution")
	                  : F("school") ? F("school") : F("organization");
	set_detex(&r->publisher, pub);
	set_detex(&r->volume, F("volume"));
	set_detex(&r->issue, F("number") ? F("number") : F("issue"));
	if (F("pages")) { /* 101--110 is a range, not a dash */
		buf pg = BUF_INIT;
		for (const char *q = F("pages"); *q; q++)
			if (!(*q == '-' && q[1] == '-'))
				buf_putc(&pg, *q);
		set_detex(&r->pages, buf_cstr(&pg));
		buf_free(&pg);
	}
	ref_set(&r->doi, F("doi"));
	ref_set(&r->url, F("url"));
	set_detex(&r->abstract, F("abstract"));
#undef F
}

size_t bibtex_parse(const char *file, const char *text, imp_refs *out, diag *d)
{
	parser ps = {file, text, 1, d, NULL, NULL, 0};
	entry *entries = NULL;
	size_t n = 0;
	while (*ps.p) {
		if (*ps.p != '@') {
			advance(&ps, 1);
			continue;
		}
		int line = ps.line;
		const char *at = ps.p;
		advance(&ps, 1);
		char *type = read_word(&ps);
		skip_space(&ps);
		char close = *ps.p == '{' ? '}' : *ps.p == '(' ? ')' : 0;
		if (!close || !*type) {
			free(type);
			continue; /* an @ in running text */
		}
		if (!strcasecmp(type, "comment") || !strcasecmp(type, "preamble")) {
			char *skip = ps.p[0] == '{' ? read_delimited(&ps) : NULL;
			if (!skip && close == '}')
				recover(&ps);
			free(skip);
			free(type);
			continue;
		}
		advance(&ps, 1);
		entry e = {type, NULL, line, NULL, NULL, 0};
		bool ok;
		if (!strcasecmp(type, "string")) {
			ok = read_fields(&ps, &e, close);
			for (size_t i = 0; ok && i < e.n; i++) {
				ps.macro_names = xrealloc(ps.macro_names, (ps.nmacros + 1) * sizeof *ps.macro_names);
				ps.macro_values =
					xrealloc(ps.macro_values, (ps.nmacros + 1) * sizeof *ps.macro_values);
				ps.macro_names[ps.nmacros] = xstrdup(e.names[i]);
				ps.macro_values[ps.nmacros++] = xstrdup(e.values[i]);
			}
			entry_free(&e);
			if (!ok)
				recover(&ps);
			continue;
		}
		skip_space(&ps);
		const char *key = ps.p; /* keys may hold braces: up to the comma */
		for (int depth = 0; *ps.p && !isspace((unsigned char)*ps.p); advance(&ps, 1)) {
			if (depth == 0 && (*ps.p == ',' || *ps.p == close))
				break;
			depth += *ps.p == '{' ? 1 : *ps.p == '}' ? -1 : 0;
		}
		e.key = xstrndup(key, (size_t)(ps.p - key));
		ok = read_fields(&ps, &e, close);
		if (!ok) {
			/* Start again after the broken entry's first line: a value that
			 * never closes must not swallow the entries after it. */
			entry_free(&e);
			ps.p = at;
			ps.line = line;
			recover(&ps);
			continue;
		}
		entries = xrealloc(entries, (n + 1) * sizeof *entries);
		entries[n++] = e;
	}
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		/* Proceedings that entries cross-refer to are read as references too,
		 * as BibTeX itself lists them. */
		const char *xref = get(&entries[i], "crossref");
		const entry *parent = NULL;
		for (size_t k = 0; xref && k < n && !parent; k++)
			if (entries[k].key && strcasecmp(entries[k].key, xref) == 0)
				parent = &entries[k];
		if (xref && !parent)
			diag_warning(d, file, entries[i].line, 0, "crossref \"%s\" names no entry of the file",
			             xref);
		to_ref(&entries[i], parent, out, file);
		count++;
	}
	for (size_t i = 0; i < n; i++)
		entry_free(&entries[i]);
	free(entries);
	for (size_t i = 0; i < ps.nmacros; i++) {
		free(ps.macro_names[i]);
		free(ps.macro_values[i]);
	}
	free(ps.macro_names);
	free(ps.macro_values);
	return count;
}
