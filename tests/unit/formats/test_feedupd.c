/* feedupd: one Atom entry per update, newest first, within a budget and a
 * date; ids from the base URL or, without one, urn ids; the summary lists
 * what the update added and withdrew, escaped; entries are well-formed XML. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "formats/feedupd.h"
#include "model/model.h"
#include "test.h"

/* Well-formed for the subset an entry uses: tags nest and close, attribute
 * values are quoted, '&' starts an entity, no stray '<' or '>' in text. */
static bool well_formed(const char *s)
{
	const char *stack[32];
	size_t len[32], depth = 0;
	while (*s) {
		if (*s == '&') {
			const char *ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
			bool ok = false;
			for (size_t i = 0; i < 5; i++)
				ok |= strncmp(s, ents[i], strlen(ents[i])) == 0;
			if (s[1] == '#') {
				const char *p = s + 2;
				while (*p >= '0' && *p <= '9')
					p++;
				ok = p > s + 2 && *p == ';';
			}
			if (!ok)
				return false;
			s++;
		} else if (*s == '>') {
			return false;
		} else if (*s == '<') {
			bool closing = s[1] == '/';
			const char *name = s + 1 + closing, *p = name;
			while (*p && *p != '>' && *p != ' ' && *p != '/')
				p++;
			size_t n = (size_t)(p - name);
			if (!n)
				return false;
			while (*p == ' ') { /* attributes: name="value" */
				p++;
				while (*p && *p != '=' && *p != '>')
					p++;
				if (p[0] != '=' || p[1] != '"')
					return false;
				p = strchr(p + 2, '"');
				if (!p)
					return false;
				for (const char *q = p; q > name && *q != '='; q--)
					if (*q == '<')
						return false;
				p++;
			}
			bool empty = *p == '/';
			if (empty)
				p++;
			if (*p != '>')
				return false;
			if (closing) {
				if (!depth || len[depth - 1] != n ||
				    strncmp(stack[depth - 1], name, n))
					return false;
				depth--;
			} else if (!empty) {
				if (depth == 32)
					return false;
				stack[depth] = name;
				len[depth++] = n;
			}
			s = p + 1;
		} else {
			s++;
		}
	}
	return depth == 0;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

int main(void)
{
	/* The checker itself rejects what it should. */
	CHECK(well_formed("<a><b x=\"1\"/>t &amp; u</a>"));
	CHECK(!well_formed("<a>t & u</a>"));
	CHECK(!well_formed("<a><b></a></b>"));
	CHECK(!well_formed("<a>x < y</a>"));
	CHECK(!well_formed("<a>"));

	CHECK(fx_init());
	char *studies = path_join(fx_dir, "studies");
	mkdir(studies, 0755);
	fx_put("site.yaml",
	       "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	       "  outcome: { label: Outcome, codes: [ {id: pain, label: Pain} ] }\n"
	       "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n"
	       "updates:\n"
	       "  - { version: \"1.0\", date: 2024-01-10 }\n"
	       "  - version: \"2.0 beta/x&y\"\n"
	       "    date: 2024-03-01\n"
	       "    summary: \"Pain <& more>\"\n"
	       "    withdrawn:\n"
	       "      - { id: old-2010, title: \"Old & gone\", reason: \"Retracted <fraud>\" }\n"
	       "      - { id: dup-2011, reason: Duplicate. }\n"
	       "  - { version: \"3\", date: 2024-06-01 }\n");
	fx_put("studies/a.yaml",
	       "title: Alpha & Co\nyear: 2020\nadded: 2024-01-05\noutcome: pain\n");
	fx_put("studies/b.yaml", "title: Beta\nyear: 2020\nadded: 2024-02-01\noutcome: pain\n");
	fx_put("studies/c.yaml", "title: Gamma\nyear: 2021\nadded: 2024-02-20\noutcome: pain\n");
	fx_put("studies/c2.yaml",
	       "title: Gamma later\nyear: 2022\nadded: 2024-05-01\noutcome: pain\nstudy: c\n");

	diag *d = diag_new();
	model *m = model_open(fx_dir, NULL, d);
	CHECK(m && d->errors == 0);
	if (m && d->errors == 0) {
		CHECK_STR(feedupd_latest(m), "2024-06-01");

		/* Everything, no base: newest first, urn ids. */
		buf b = BUF_INIT;
		sink s = sink_for_buf(&b);
		size_t next = 0;
		CHECK(feedupd_entries(m, "", NULL, &next, 10, &s) == 3);
		CHECK(next == 3);
		const char *out = buf_cstr(&b);
		CHECK(well_formed(out));
		CHECK(count(out, "<entry>") == 3 && count(out, "</entry>") == 3);
		const char *v3 = strstr(out, "Version 3 "), *v2 = strstr(out, "Version 2.0"),
		           *v1 = strstr(out, "Version 1.0 ");
		CHECK(v3 && v2 && v1 && v3 < v2 && v2 < v1);
		CHECK_CONTAINS(out, "  <entry>\n"
		                    "    <title>Version 3 of the map</title>\n"
		                    "    <link href=\"updates/index.html#v3\"/>\n"
		                    "    <id>urn:gapmap:update:3</id>\n"
		                    "    <updated>2024-06-01T00:00:00Z</updated>\n"
		                    "    <summary>0 studies added.</summary>\n"
		                    "  </entry>\n");
		/* A version with a space, a slash and '&': escaped in the title,
		 * '_' in the anchor, percent-encoded in the urn. */
		CHECK_CONTAINS(out, "<title>Version 2.0 beta/x&amp;y of the map</title>");
		CHECK_CONTAINS(out, "<link href=\"updates/index.html#v2_0_beta_x_y\"/>");
		CHECK_CONTAINS(out, "<id>urn:gapmap:update:2.0%20beta");
		CHECK(!strstr(out, "urn:gapmap:update:2.0 "));
		/* Summary first, then the studies the update added in the model's
		 * study order (placed by earliest report: c's later report does not
		 * move it to 3), then what it
		 * withdrew, title or else id, with the reason; all escaped. */
		CHECK_CONTAINS(out, "<summary>Pain &lt;&amp; more&gt; 2 studies added: Gamma; "
		                    "Beta. 2 withdrawn: Old &amp; gone (Retracted &lt;fraud&gt;); "
		                    "dup-2011 (Duplicate.).</summary>");
		CHECK_CONTAINS(out, "<summary>1 study added: Alpha &amp; Co.</summary>");
		CHECK_CONTAINS(out, "<updated>2024-01-10T00:00:00Z</updated>");
		/* Nothing left: no more entries, next stays. */
		CHECK(feedupd_entries(m, "", NULL, &next, 10, &s) == 0 && next == 3);
		buf_free(&b);

		/* A base URL: ids are the update's section on the site. */
		b = (buf)BUF_INIT;
		s = sink_for_buf(&b);
		next = 0;
		CHECK(feedupd_entries(m, "https://ex.org/map/", NULL, &next, 1, &s) == 1);
		CHECK(next == 1);
		CHECK_CONTAINS(buf_cstr(&b), "<id>https://ex.org/map/updates/#v3</id>");
		CHECK(!strstr(buf_cstr(&b), "urn:"));
		CHECK(count(buf_cstr(&b), "<entry>") == 1);
		/* The budget: two more, from where the last call stopped. */
		CHECK(feedupd_entries(m, "https://ex.org/map/", NULL, &next, 1, &s) == 1);
		CHECK(next == 2);
		CHECK_CONTAINS(buf_cstr(&b), "<id>https://ex.org/map/updates/#v2_0_beta_x_y</id>");
		CHECK(!strstr(buf_cstr(&b), "Version 1.0"));
		CHECK(well_formed(buf_cstr(&b)));
		/* A budget of 0 writes nothing. */
		CHECK(feedupd_entries(m, "https://ex.org/map/", NULL, &next, 0, &s) == 0);
		CHECK(next == 2);
		buf_free(&b);

		/* A date: only updates dated on or after it (the date itself
		 * included), and the walk stops at the first older one. */
		b = (buf)BUF_INIT;
		s = sink_for_buf(&b);
		next = 0;
		CHECK(feedupd_entries(m, "", "2024-03-01", &next, 10, &s) == 2);
		CHECK(next == 2);
		CHECK(!strstr(buf_cstr(&b), "Version 1.0"));
		CHECK(feedupd_entries(m, "", "2024-03-01", &next, 10, &s) == 0 && next == 2);
		CHECK(feedupd_entries(m, "", "2099-01-01", &(size_t){0}, 10, &s) == 0);
		buf_free(&b);

		/* Anchors: letters, digits and '-' kept, the rest '_'. */
		buf a = BUF_INIT;
		feedupd_anchor("2024-06 rc.1/é", &a);
		CHECK_STR(buf_cstr(&a), "v2024-06_rc_1___");
		buf_reset(&a);
		feedupd_anchor("", &a);
		CHECK_STR(buf_cstr(&a), "v");
		buf_free(&a);
	}
	model_free(m);
	diag_free(d);

	/* No updates: no latest date, no entries. */
	fx_put("site.yaml", "title: T\nmap: { rows: outcome, columns: setting }\nfacets:\n"
	                    "  outcome: { label: Outcome, codes: [ {id: pain, label: Pain} ] }\n"
	                    "  setting: { label: Setting, codes: [ {id: gp, label: GP} ] }\n");
	d = diag_new();
	m = model_open(fx_dir, NULL, d);
	CHECK(m && d->errors == 0);
	if (m) {
		CHECK(feedupd_latest(m) == NULL);
		buf b = BUF_INIT;
		sink s = sink_for_buf(&b);
		size_t next = 0;
		CHECK(feedupd_entries(m, "", NULL, &next, 10, &s) == 0 && next == 0);
		CHECK(b.len == 0);
		buf_free(&b);
	}
	model_free(m);
	diag_free(d);

	const char *files[] = {"studies/a.yaml", "studies/b.yaml", "studies/c.yaml",
	                       "studies/c2.yaml", "site.yaml"};
	for (size_t i = 0; i < 5; i++)
		fx_remove(files[i]);
	rmdir(studies);
	rmdir(fx_dir);
	free(studies);
	TEST_MAIN_END();
}
