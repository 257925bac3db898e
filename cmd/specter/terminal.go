package main

import (
	"io"
	"os"

	"github.com/charmbracelet/x/term"

	"github.com/specterhq/specter/reporters"
)

// maxListed is how many findings the text report lists one by one before
// it groups the rest: what fits the terminal the report goes to, or
// reporters.DefaultMaxListed when it goes to a file or a pipe.
func maxListed(st streams, f *scanFlags) int {
	if f.output != "" && f.output != "-" {
		return reporters.DefaultMaxListed
	}
	return reporters.ScreenLimit(terminalHeight(st.out))
}

// terminalHeight is the number of rows of the terminal w writes to, 0 when
// w is not a terminal or its size is unknown.
func terminalHeight(w io.Writer) int {
	file, ok := w.(*os.File)
	if !ok || !isTerminal(w) {
		return 0
	}
	_, height, err := term.GetSize(file.Fd())
	if err != nil {
		return 0
	}
	return height
}
