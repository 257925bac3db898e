package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"

	"github.com/specterhq/specter/config"
)

func newInitCommand(st streams) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter .specter.yaml",
		Long: `Init writes a commented starter config file (.specter.yaml) to the working
directory: rules on/off, severity overrides, excludes, suppressions with a
reason, and the gate. It refuses to overwrite an existing file without
--force.`,
		Example: "  specter init\n  specter init --force",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			file, err := os.OpenFile(config.DefaultConfigFile, flags, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return usageError("%s already exists (use --force to overwrite it)", config.DefaultConfigFile)
			}
			if err != nil {
				return &exitError{code: exitInputError, err: fmt.Errorf("creating %s: %w", config.DefaultConfigFile, err)}
			}
			if _, err := file.WriteString(config.StarterConfig()); err != nil {
				file.Close()
				return &exitError{code: exitInputError, err: fmt.Errorf("writing %s: %w", config.DefaultConfigFile, err)}
			}
			if err := file.Close(); err != nil {
				return err
			}
			fmt.Fprintf(st.err, "specter: wrote %s\n", config.DefaultConfigFile)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}
