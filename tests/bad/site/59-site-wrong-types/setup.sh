sed -i 's/multiple: false/multiple: sometimes/; s/required: true/required: [yes]/; s/^title: .*/title:\n  text: A title in a mapping/' site.yaml
