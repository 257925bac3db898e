// Package engine runs specter's pipeline: it walks the inputs, ingests
// them into one surface, runs the scanners a Plan names (the static ones,
// the fuzzer, the inventory diff), passes the findings through the policy
// chain and the gate, and returns a Result. It writes no report and
// decides no exit code: the commands in cmd/specter and the MCP server
// build a Plan from their flags and render the Result.
//
//	walk (surface/discover) → ingest (surface/ingest) → scanners
//	→ findings → policy chain (policy) → gate → Result
//
// --new-from-rev is Run over the tree exported at that revision: its
// findings become a baseline for the run of the working tree.
package engine
