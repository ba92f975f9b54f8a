// Package secrets encrypts secret values at rest with AES-256-GCM. The
// key is a random 32-byte file of mode 0600 in the data directory; the
// database holds only nonce and ciphertext, bound to the secret's context
// and key (as additional data), so a value copied to another name does
// not decrypt.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
)

// Box seals and opens secret values.
type Box struct{ aead cipher.AEAD }

// LoadOrCreateKey reads the key file at path, creating it (mode 0600)
// when missing. A key file readable by others is refused.
func LoadOrCreateKey(path string) (*Box, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("creating secret key %s: %w", path, err)
		}
		if _, err := f.Write(key); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Sync(); err != nil {
			f.Close()
			return nil, err
		}
		if err := f.Close(); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, fmt.Errorf("reading secret key %s: %w", path, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("secret key %s has mode %04o; it must be readable by its owner only (chmod 600 %s)", path, fi.Mode().Perm(), path)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("secret key %s has %d bytes, want 32", path, len(key))
	}
	return New(key)
}

// New returns a Box for a 32-byte key.
func New(key []byte) (*Box, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts value for (context, key): nonce || ciphertext.
func (b *Box) Seal(context, key string, value []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, value, ad(context, key)), nil
}

// Open decrypts what Seal returned for the same (context, key).
func (b *Box) Open(context, key string, sealed []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("secrets: sealed value too short")
	}
	v, err := b.aead.Open(nil, sealed[:n], sealed[n:], ad(context, key))
	if err != nil {
		return nil, errors.New("secrets: cannot decrypt (wrong key file?)")
	}
	return v, nil
}

func ad(context, key string) []byte { return []byte(context + "\x00" + key) }
