# licence_url lands in every footer: schemes off the allow-list are refused.
sed -i 's|^licence: CC BY 4.0|licence: CC BY 4.0\nlicence_url: "JavaScript:alert(document.domain)"|' site.yaml
