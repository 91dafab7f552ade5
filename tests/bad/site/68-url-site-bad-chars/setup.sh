# A quote, a space or a control character in a site URL is refused too;
# a relative licence link is allowed, an ms-msdt: one is not.
sed -i 's|^licence: CC BY 4.0|licence: CC BY 4.0\nurl: "https://example.org/a\\" onmouseover=\\"x"\nlicence_url: "ms-msdt:/id PCWDiagnostic"|' site.yaml
