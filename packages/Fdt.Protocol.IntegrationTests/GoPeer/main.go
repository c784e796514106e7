// yamuxpeer drives the reference yamux implementation (github.com/hashicorp/yamux) against
// FDT's multiplexer in the interoperability tests. It is built from Debian's
// golang-github-hashicorp-yamux-dev with GOPATH=/usr/share/gocode GO111MODULE=off.
//
//	yamuxpeer -mode server -addr 127.0.0.1:0    prints "LISTENING host:port", echoes every stream
//	yamuxpeer -mode client -addr host:port      opens streams, checks the echoes, prints "OK"
package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/yamux"
)

func main() {
	mode := flag.String("mode", "server", "server or client")
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on or dial")
	streams := flag.Int("streams", 50, "streams the client opens")
	size := flag.Int("size", 256*1024, "bytes each client stream sends")
	window := flag.Int("window", 256*1024, "MaxStreamWindowSize")
	reverse := flag.Int("reverse", 0, "streams the server opens back to the client after the first accept")
	flag.Parse()

	cfg := yamux.DefaultConfig()
	cfg.MaxStreamWindowSize = uint32(*window)
	cfg.LogOutput = os.Stderr
	cfg.KeepAliveInterval = 2 * time.Second

	var err error
	if *mode == "server" {
		err = runServer(*addr, cfg, *reverse, *size)
	} else {
		err = runClient(*addr, cfg, *streams, *size)
	}
	if err != nil {
		fmt.Println("FAIL", err)
		os.Exit(1)
	}
}

func runServer(addr string, cfg *yamux.Config, reverse, size int) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println("LISTENING", ln.Addr().String())
	conn, err := ln.Accept()
	if err != nil {
		return err
	}
	ln.Close()
	session, err := yamux.Server(conn, cfg)
	if err != nil {
		return err
	}
	var once sync.Once
	for {
		stream, err := session.AcceptStream()
		if err != nil {
			// The peer closed the session: a normal end.
			fmt.Println("DONE")
			return nil
		}
		go func() {
			io.Copy(stream, stream)
			stream.Close()
		}()
		if reverse > 0 {
			once.Do(func() {
				go func() {
					if err := exercise(session, reverse, size); err != nil {
						fmt.Println("FAIL reverse", err)
						os.Exit(1)
					}
					fmt.Println("REVERSE OK")
				}()
			})
		}
	}
}

func runClient(addr string, cfg *yamux.Config, streams, size int) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	session, err := yamux.Client(conn, cfg)
	if err != nil {
		return err
	}
	if _, err := session.Ping(); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	if err := exercise(session, streams, size); err != nil {
		return err
	}
	fmt.Println("OK", streams, "streams")
	return session.Close()
}

// exercise opens n streams at once, sends size random bytes on each, half-closes, and checks
// that the echo matches.
func exercise(session *yamux.Session, n, size int) error {
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			stream, err := session.OpenStream()
			if err != nil {
				errs <- fmt.Errorf("open %d: %w", i, err)
				return
			}
			payload := make([]byte, size+i)
			rand.Read(payload)
			done := make(chan []byte, 1)
			go func() {
				// This yamux version reads EOF once the local side has closed and its buffer is
				// momentarily empty, so read the known length before closing.
				echoed := make([]byte, len(payload))
				n, _ := io.ReadFull(stream, echoed)
				done <- echoed[:n]
			}()
			if _, err := stream.Write(payload); err != nil {
				errs <- fmt.Errorf("write %d: %w", i, err)
				return
			}
			echoed := <-done
			stream.Close()
			want := sha256.Sum256(payload)
			got := sha256.Sum256(echoed)
			if !bytes.Equal(want[:], got[:]) {
				errs <- fmt.Errorf("stream %d: echoed %d bytes, sent %d", i, len(echoed), len(payload))
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		return err
	}
	return nil
}
