package jwt

import (
	"bytes"
	"context"
	"fmt"
	"hash"
	"runtime"
	"sync"
	"sync/atomic"
)

// NumericMaxDigits is the length of the longest decimal key the numeric
// pass tries.
const NumericMaxDigits = 6

// NumericKeys is the number of keys the numeric pass tries: every decimal
// string of 1 to NumericMaxDigits digits, zero-padded forms included
// ("0".."9", "00".."99", ..., "000000".."999999").
const NumericKeys = 1_111_110

// numericChunk is how many consecutive keys a worker takes at a time.
// Cancellation and another worker's hit are noticed between chunks: at a
// few hundred nanoseconds a key, a chunk is well under a millisecond.
const numericChunk = 1024

// GuessNumericSecret tries every decimal key of 1 to NumericMaxDigits
// digits against an HS256/384/512 token, split over runtime.GOMAXPROCS(0)
// workers, and returns the first key that verifies it. A token of another
// alg, or whose signature has the wrong length for its alg, is never
// guessed. When ctx ends before the search does, it returns ctx's error,
// wrapped.
func GuessNumericSecret(ctx context.Context, t *Token) (string, bool, error) {
	return guessNumeric(ctx, t, NumericMaxDigits, runtime.GOMAXPROCS(0))
}

// numericKeyCount is the number of decimal strings of 1 to digits digits.
func numericKeyCount(digits int) int64 {
	var total, n int64 = 0, 1
	for range digits {
		n *= 10
		total += n
	}
	return total
}

// numericSearch is one run of the numeric pass, shared by its workers.
type numericSearch struct {
	ctx     context.Context
	newHash func() hash.Hash
	msg     []byte
	sig     []byte
	digits  int
	total   int64

	next  atomic.Int64 // index of the next chunk to hand out
	done  atomic.Int64 // keys tried, counted per finished chunk
	stop  atomic.Bool
	found atomic.Bool
	key   string // set by the worker that swapped found
}

func guessNumeric(ctx context.Context, t *Token, digits, workers int) (string, bool, error) {
	digits = min(max(digits, 1), NumericMaxDigits)
	newHash := hmacHash(t.Alg())
	if newHash == nil {
		return "", false, nil
	}
	if len(t.Signature) != newHash().Size() {
		return "", false, nil
	}
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("jwt: numeric secret search not started: %w", err)
	}
	s := &numericSearch{
		ctx:     ctx,
		newHash: newHash,
		msg:     []byte(t.SigningInput()),
		sig:     t.Signature,
		digits:  digits,
		total:   numericKeyCount(digits),
	}
	if workers < 1 {
		workers = 1
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(s.work)
	}
	wg.Wait()
	if s.found.Load() {
		return s.key, true, nil
	}
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("jwt: numeric secret search stopped after %d of %d keys: %w", s.done.Load(), s.total, err)
	}
	return "", false, nil
}

// work takes chunks of keys until the key space is exhausted, a key is
// found or the context ends. It allocates its buffers once; the loop over
// keys allocates nothing.
func (s *numericSearch) work() {
	inner, outer := s.newHash(), s.newHash()
	bs := inner.BlockSize()
	// The key is at most NumericMaxDigits bytes, shorter than any block:
	// HMAC pads it with zeros to the block size, so the pads are 0x36 and
	// 0x5c except for the key's own bytes.
	ipad := bytes.Repeat([]byte{0x36}, bs)
	opad := bytes.Repeat([]byte{0x5c}, bs)
	innerSum := make([]byte, 0, inner.Size())
	mac := make([]byte, 0, outer.Size())
	var key [NumericMaxDigits + 1]byte // one spare byte for the carry past the last key
	done := s.ctx.Done()
	for !s.stop.Load() {
		select {
		case <-done:
			s.stop.Store(true)
			return
		default:
		}
		start := s.next.Add(numericChunk) - numericChunk
		if start >= s.total {
			return
		}
		end := min(start+numericChunk, s.total)
		n := numericKeyAt(start, key[:])
		for i := start; i < end; i++ {
			for j := range s.digits {
				if j < n {
					ipad[j] = key[j] ^ 0x36
					opad[j] = key[j] ^ 0x5c
				} else {
					ipad[j], opad[j] = 0x36, 0x5c
				}
			}
			inner.Reset()
			inner.Write(ipad)
			inner.Write(s.msg)
			innerSum = inner.Sum(innerSum[:0])
			outer.Reset()
			outer.Write(opad)
			outer.Write(innerSum)
			mac = outer.Sum(mac[:0])
			if bytes.Equal(mac, s.sig) {
				if s.found.CompareAndSwap(false, true) {
					s.key = string(key[:n])
				}
				s.stop.Store(true)
				return
			}
			n = numericIncrement(key[:], n)
		}
		s.done.Add(end - start)
	}
}

// numericKeyAt writes the key of index idx in the order "0".."9",
// "00".."99", ... into key and returns its length.
func numericKeyAt(idx int64, key []byte) int {
	n, count := 1, int64(10)
	for idx >= count {
		idx -= count
		n++
		count *= 10
	}
	for i := n - 1; i >= 0; i-- {
		key[i] = byte('0' + idx%10)
		idx /= 10
	}
	return n
}

// numericIncrement advances key[:n] to the next key in the order of
// numericKeyAt and returns its length: "9" becomes "00", "99" "000".
// key must have room for n+1 bytes.
func numericIncrement(key []byte, n int) int {
	for i := n - 1; i >= 0; i-- {
		if key[i] != '9' {
			key[i]++
			return n
		}
		key[i] = '0'
	}
	key[n] = '0'
	return n + 1
}
