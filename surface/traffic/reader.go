package traffic

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"unsafe"
)

// decoder produces observations from one input in one format, one at a
// time (HAR, OTLP and CSV, whose records span lines or need a header).
// next returns io.EOF at the end and an error wrapping ErrSkip for a
// record to skip.
type decoder interface {
	next() (Observation, error)
}

// lineParser reads one line of a line-based format. Each parsing
// goroutine has its own (parsers may cache, e.g. the last timestamp).
// The observation's strings are substrings of line.
type lineParser interface {
	parse(line string) (Observation, error)
}

// lineParserFunc adapts a stateless parse function.
type lineParserFunc func(string) (Observation, error)

func (f lineParserFunc) parse(line string) (Observation, error) { return f(line) }

// Reader streams the observations of one input.
type Reader struct {
	Format Format
	// Workers is how many goroutines parse a line-based format, chunk by
	// chunk; 0 means GOMAXPROCS. Set it before reading.
	Workers int
	// Skipped counts records that could not be read; Skips tallies them
	// per reason, in the order the reasons first occurred.
	Skipped int
	Skips   []SkipCount
	// FirstSkip describes the first skipped record, for messages.
	FirstSkip string
	// Prepare, when set, is called once per parsing goroutine and returns
	// a function run there on every observation before it is delivered,
	// so that work which depends on the record alone runs in parallel. It
	// may set Observation.Prepared, and must not keep the observation.
	Prepare func() func(*Observation)

	br        *bufio.Reader
	newParser func() lineParser // line-based formats
	dec       decoder           // the others
	closer    io.Closer
}

// Open wraps r: it unwraps gzip when the input starts with the gzip magic
// number, detects the format unless one is forced, and returns a Reader.
func Open(r io.Reader, forced Format) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, _ := br.Peek(2)
	var closer io.Closer
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading gzip header: %w", err)
		}
		closer = zr
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	format := forced
	if format == "" {
		head, err := br.Peek(32 << 10)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("reading: %w", err)
		}
		if format, err = Detect(head); err != nil {
			return nil, err
		}
	}
	rd := &Reader{Format: format, br: br, closer: closer}
	if err := rd.setFormat(format); err != nil {
		return nil, err
	}
	return rd, nil
}

func (r *Reader) setFormat(f Format) error {
	stateless := func(parse func(string) (Observation, error)) func() lineParser {
		return func() lineParser { return lineParserFunc(parse) }
	}
	switch f {
	case FormatHAR:
		r.dec = newHARDecoder(r.br)
	case FormatCombined:
		r.newParser = func() lineParser { return &combinedParser{} }
	case FormatALB:
		r.newParser = stateless(parseALB)
	case FormatAPIGateway:
		r.newParser = stateless(parseAPIGateway)
	case FormatEnvoy:
		r.newParser = stateless(parseEnvoy)
	case FormatEnvoyJSON:
		r.newParser = stateless(parseEnvoyJSON)
	case FormatOTLP:
		r.dec = newOTLPDecoder(r.br)
	case FormatCSV:
		r.dec = newCSVDecoder(r.br)
	case FormatJSONL:
		r.newParser = stateless(parseAggregateJSON)
	default:
		return fmt.Errorf("unknown traffic format %q", f)
	}
	return nil
}

// Each calls fn for every observation, in input order, until the input
// ends, fn fails or ctx is cancelled. The observation passed to fn is only
// valid during the call.
func (r *Reader) Each(ctx context.Context, fn func(*Observation) error) error {
	return r.EachBatch(ctx, func(batch []Observation) error {
		for i := range batch {
			if err := fn(&batch[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// EachBatch calls fn with runs of consecutive observations, in input
// order, from the calling goroutine, until the input ends, fn fails or ctx
// is cancelled. Line-based formats are cut into chunks that Workers
// goroutines parse while fn runs; the others are decoded by one goroutine.
// The batch and its strings are only valid during the call: the strings
// of a line format share the input's buffers, which are zeroed and reused
// once fn returns, so strings.Clone what you keep.
func (r *Reader) EachBatch(ctx context.Context, fn func([]Observation) error) error {
	defer func() {
		if r.closer != nil {
			r.closer.Close()
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	pl := newPools()
	done := make(chan *batch, workers)
	// tokens bounds the chunks in flight, and with them the memory.
	tokens := make(chan struct{}, 2*workers+2)
	var readErr error
	if r.newParser != nil {
		chunks := make(chan chunk, workers)
		go func() {
			defer close(chunks)
			readErr = splitChunks(ctx, r.br, chunks, tokens, pl)
		}()
		finished := make(chan struct{}, workers)
		for w := 0; w < workers; w++ {
			go func() {
				defer func() { finished <- struct{}{} }()
				p := r.newParser()
				prepare := r.prepareFunc()
				for c := range chunks {
					done <- parseChunk(c, p, prepare, pl)
				}
			}()
		}
		go func() {
			for w := 0; w < workers; w++ {
				<-finished
			}
			close(done)
		}()
	} else {
		go func() {
			defer close(done)
			readErr = decodeBatches(ctx, r.dec, r.prepareFunc(), done, tokens, pl)
		}()
	}

	var fnErr error
	pending := map[int]*batch{}
	next, base := 0, 0
	for b := range done {
		if fnErr != nil || ctx.Err() != nil {
			<-tokens // draining after a failure
			continue
		}
		pending[b.seq] = b
		for {
			nb, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			if nb.relative {
				for i := range nb.obs {
					nb.obs[i].Line += base
				}
				for _, s := range nb.skips {
					s.Line += base
				}
				base += nb.lines
			}
			for _, s := range nb.skips {
				r.countSkip(s)
			}
			if len(nb.obs) > 0 {
				fnErr = fn(nb.obs)
			}
			nb.release(pl)
			<-tokens
			if fnErr != nil {
				cancel()
				break
			}
		}
	}
	switch {
	case fnErr != nil:
		return fnErr
	case readErr != nil && !errors.Is(readErr, context.Canceled):
		return fmt.Errorf("%s: %w", r.Format, readErr)
	}
	return ctx.Err()
}

// prepareFunc is one goroutine's Prepare function, or a no-op.
func (r *Reader) prepareFunc() func(*Observation) {
	if r.Prepare == nil {
		return func(*Observation) {}
	}
	return r.Prepare()
}

func (r *Reader) countSkip(s *SkipError) {
	if r.Skipped == 0 {
		r.FirstSkip = s.Error()
	}
	r.Skipped++
	for i := range r.Skips {
		if r.Skips[i].Reason == s.Reason {
			r.Skips[i].Count++
			return
		}
	}
	r.Skips = append(r.Skips, SkipCount{Reason: s.Reason, Count: 1, FirstLine: s.Line, FirstEntry: s.Entry, First: s.Error()})
}

// batch is a run of observations of one input; relative batches (from a
// chunk) number their lines from the chunk's start, and hold the chunk's
// buffer, which their strings alias, until they are released.
type batch struct {
	seq      int
	obs      []Observation
	skips    []*SkipError
	lines    int
	relative bool
	buf      []byte
	// callers is set when an observation points to a Caller (JSON line
	// formats), which the batch must drop when it is released.
	callers bool
}

// batchSize is how many observations a decoded (not chunked) batch holds.
const batchSize = 512

func (b *batch) release(p *pools) {
	if !b.relative || b.callers {
		// Decoded records may hold response bodies, and callers tokens:
		// drop them now. Otherwise a chunk's records only reference its
		// buffer, and the pool is bounded, so they are left to be
		// overwritten.
		clear(b.obs)
	}
	b.callers = false
	b.obs = b.obs[:0]
	b.skips = nil
	if b.buf != nil {
		// Zeroed, so that a string kept against EachBatch's rule reads as
		// NUL bytes at once instead of changing when the buffer is reused.
		clear(b.buf)
		p.chunks.put(b.buf)
		b.buf = nil
	}
	p.batches.put(b)
}

// pools recycles the batches and chunk buffers of one read between its
// goroutines.
type pools struct {
	batches *freeList[*batch]
	chunks  *freeList[[]byte]
}

func newPools() *pools {
	return &pools{batches: newFreeList[*batch](16), chunks: newFreeList[[]byte](16)}
}

func (p *pools) batch() *batch {
	return p.batches.get(func() *batch { return &batch{obs: make([]Observation, 0, batchSize)} })
}

func (p *pools) chunk() []byte {
	return p.chunks.get(func() []byte { return make([]byte, 0, chunkBytes) })
}

// freeList is a bounded free list of reusable buffers.
type freeList[T any] struct{ c chan T }

func newFreeList[T any](n int) *freeList[T] { return &freeList[T]{c: make(chan T, n)} }

func (f *freeList[T]) get(alloc func() T) T {
	select {
	case v := <-f.c:
		return v
	default:
		return alloc()
	}
}

func (f *freeList[T]) put(v T) {
	select {
	case f.c <- v:
	default:
	}
}

// decodeBatches runs a record decoder and sends its observations in
// batches, in order.
func decodeBatches(ctx context.Context, dec decoder, prepare func(*Observation), done chan<- *batch, tokens chan struct{}, p *pools) error {
	seq := 0
	var b *batch
	send := func() bool {
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		b.seq = seq
		seq++
		done <- b
		b = nil
		return true
	}
	for n := 0; ; n++ {
		if n&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if b == nil {
			b = p.batch()
			b.relative = false
		}
		o, err := dec.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var skip *SkipError
		if errors.As(err, &skip) {
			b.skips = append(b.skips, skip)
			continue
		}
		if errors.Is(err, ErrSkip) {
			b.skips = append(b.skips, &SkipError{Reason: reasonOf(err), Detail: err.Error()})
			continue
		}
		if err != nil {
			if len(b.obs) > 0 || len(b.skips) > 0 {
				send()
			}
			return err
		}
		normalize(&o)
		b.obs = append(b.obs, o)
		prepare(&b.obs[len(b.obs)-1])
		if len(b.obs) == batchSize && !send() {
			return ctx.Err()
		}
	}
	if b != nil && (len(b.obs) > 0 || len(b.skips) > 0) && !send() {
		return ctx.Err()
	}
	return nil
}

// normalize fills the defaults every observation carries.
func normalize(o *Observation) {
	if o.Count == 0 {
		o.Count = 1
	}
	if o.LastSeen.IsZero() {
		o.LastSeen = o.FirstSeen
	}
}

// chunkBytes is the size of the chunks a line-based input is cut into.
const chunkBytes = 256 << 10

// chunk is a run of whole lines (or, when longLine is set, one over-long
// line that was discarded).
type chunk struct {
	seq      int
	data     []byte
	longLine bool
}

// splitChunks cuts the input into chunks of whole lines. A line longer
// than MaxLineBytes is discarded without being held and sent as a longLine
// chunk, so that it is counted at its line.
func splitChunks(ctx context.Context, br *bufio.Reader, chunks chan<- chunk, tokens chan struct{}, p *pools) error {
	var carry []byte
	for seq := 0; ; seq++ {
		select {
		case tokens <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		buf := p.chunk()
		buf = append(buf[:0], carry...)
		carry = carry[:0]
		eof := false
		for {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)] // grow for a line longer than the chunk
			}
			n, err := io.ReadFull(br, buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				eof = true
			} else if err != nil {
				return fmt.Errorf("reading: %w", err)
			}
			last := bytes.LastIndexByte(buf, '\n')
			if eof || last >= 0 {
				if !eof {
					carry = append(carry, buf[last+1:]...)
					buf = buf[:last+1]
				}
				break
			}
			if len(buf) > MaxLineBytes {
				// One line fills the buffer: drop it up to its newline.
				p.chunks.put(buf)
				atEOF, err := discardLine(br)
				if err != nil {
					return err
				}
				select {
				case chunks <- chunk{seq: seq, longLine: true}:
				case <-ctx.Done():
					return ctx.Err()
				}
				buf = nil
				if atEOF {
					return nil
				}
				break
			}
		}
		if buf == nil {
			continue
		}
		if len(buf) == 0 {
			p.chunks.put(buf)
			<-tokens
			return nil
		}
		select {
		case chunks <- chunk{seq: seq, data: buf}:
		case <-ctx.Done():
			return ctx.Err()
		}
		if eof {
			return nil
		}
	}
}

// discardLine reads up to and including the next newline.
func discardLine(br *bufio.Reader) (atEOF bool, err error) {
	for {
		_, err := br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			return true, nil
		case err != nil:
			return false, fmt.Errorf("reading: %w", err)
		}
		return false, nil
	}
}

// chunkString is a chunk's bytes as a string, without a copy. The string
// aliases the chunk's buffer, which the batch holds until it is released,
// after EachBatch's fn has returned: that is why an observation's strings
// are valid only during fn. Copying each chunk instead (string(data))
// costs a quarter of the CPU time of reading an access log and 40% of the
// memory, for the allocations the garbage collector then has to follow.
func chunkString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// parseChunk parses the lines of a chunk. The observations' fields are
// substrings of the chunk (chunkString), so parsing a line allocates
// nothing.
func parseChunk(c chunk, p lineParser, prepare func(*Observation), pl *pools) *batch {
	b := pl.batch()
	b.seq, b.relative = c.seq, true
	if c.longLine {
		b.lines = 1
		b.skips = append(b.skips, &SkipError{Reason: SkipLongLine, Line: 1, Detail: fmt.Sprintf("longer than %d bytes", MaxLineBytes)})
		return b
	}
	s := chunkString(c.data)
	b.buf = c.data
	if need := len(s)/128 + 64; cap(b.obs) < need {
		// Access-log lines are about 150 bytes; shorter ones grow the
		// batch, which the pool then keeps.
		b.obs = make([]Observation, 0, need)
	}
	line := 0
	for len(s) > 0 {
		var l string
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			l, s = s[:i], s[i+1:]
		} else {
			l, s = s, ""
		}
		line++
		if len(l) > MaxLineBytes+1 {
			b.skips = append(b.skips, &SkipError{Reason: SkipLongLine, Line: line, Detail: fmt.Sprintf("longer than %d bytes", MaxLineBytes)})
			continue
		}
		if n := len(l); n > 0 && l[n-1] == '\r' {
			l = l[:n-1]
		}
		if len(l) == 0 || l[0] == '#' || l[0] <= ' ' && strings.TrimSpace(l) == "" {
			continue
		}
		o, err := p.parse(l)
		if err != nil {
			b.skips = append(b.skips, skipAt(err, line, 0))
			continue
		}
		o.Line = line
		normalize(&o)
		b.callers = b.callers || o.Caller != nil
		b.obs = append(b.obs, o)
		prepare(&b.obs[len(b.obs)-1])
	}
	b.lines = line
	return b
}
