// Package cienv reads what CI systems say about the build: whether there
// is one, and the revision a pull or merge request is compared against.
package cienv

import (
	"encoding/json"
	"fmt"
	"os"
)

// ciVariables are set by CI systems in every build: CI by GitHub Actions,
// GitLab, CircleCI, Travis, Buildkite, Drone, Woodpecker, Bitbucket and
// most others; the rest by those that do not set it.
var ciVariables = []string{"CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD", "TEAMCITY_VERSION", "CODEBUILD_BUILD_ID", "BITBUCKET_BUILD_NUMBER"}

// Detected reports whether the process runs in a CI build, by the
// variables CI systems set. CI=false or CI=0 is not a build.
func Detected(env func(string) string) bool {
	for _, name := range ciVariables {
		switch env(name) {
		case "", "false", "0":
		default:
			return true
		}
	}
	return false
}

// Base is the revision a change is compared against and where it came from.
type Base struct {
	Rev    string
	Source string // the variable or file that named it
}

// BaseRevision finds the base revision of the pull or merge request being
// built: GitLab's CI_MERGE_REQUEST_DIFF_BASE_SHA (the merge base), GitHub's
// pull_request.base.sha from the event payload, else origin/ plus
// GITHUB_BASE_REF. ok is false outside a pull or merge request.
func BaseRevision(env func(string) string) (Base, bool, error) {
	if sha := env("CI_MERGE_REQUEST_DIFF_BASE_SHA"); sha != "" && env("GITLAB_CI") == "true" {
		return Base{Rev: sha, Source: "CI_MERGE_REQUEST_DIFF_BASE_SHA"}, true, nil
	}
	if env("GITHUB_ACTIONS") != "true" {
		return Base{}, false, nil
	}
	if path := env("GITHUB_EVENT_PATH"); path != "" {
		switch env("GITHUB_EVENT_NAME") {
		case "pull_request", "pull_request_target":
			sha, err := pullRequestBase(path)
			if err != nil {
				return Base{}, false, err
			}
			if sha != "" {
				return Base{Rev: sha, Source: "pull_request.base.sha in " + path}, true, nil
			}
		}
	}
	if ref := env("GITHUB_BASE_REF"); ref != "" {
		return Base{Rev: "origin/" + ref, Source: "GITHUB_BASE_REF"}, true, nil
	}
	return Base{}, false, nil
}

func pullRequestBase(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading the GitHub event: %w", err)
	}
	var event struct {
		PullRequest struct {
			Base struct {
				SHA string `json:"sha"`
			} `json:"base"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(data, &event); err != nil {
		return "", fmt.Errorf("reading the GitHub event %s: %w", path, err)
	}
	return event.PullRequest.Base.SHA, nil
}
